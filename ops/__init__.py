"""Operator tools run from a laptop (never shipped in the Lambda): the command line, setup, subscribe and scan."""
