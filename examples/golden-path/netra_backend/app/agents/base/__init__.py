"""Agent base infrastructure: execution context and results."""
