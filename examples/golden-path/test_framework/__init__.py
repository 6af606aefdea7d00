"""Shared test framework (SSOT test infrastructure)."""
