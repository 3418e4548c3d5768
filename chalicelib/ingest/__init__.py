"""Getting items in: Meta's webhooks (parsed, pure), the queue hand-off, the SQS worker and the sweeps that list comments."""
