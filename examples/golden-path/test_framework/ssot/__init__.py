"""SSOT test base classes: every test class must derive from one of them."""
