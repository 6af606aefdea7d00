"""Shared schemas.

The package re-exports the canonical enums for convenience; the single source
of truth stays ``netra_backend.app.schemas.core_enums``.
"""
from .core_enums import AgentType, ExecutionStatus

__all__ = ["AgentType", "ExecutionStatus"]
