"""What PageGuard remembers: audit and dead-letter records, the store protocol with its SQLite and DynamoDB stores, idempotency."""
