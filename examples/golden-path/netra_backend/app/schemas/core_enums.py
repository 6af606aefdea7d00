"""Canonical enums: the single source of truth for status and agent types."""
from enum import Enum


class ExecutionStatus(str, Enum):
    """Lifecycle of one agent execution."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class AgentType(str, Enum):
    """Agents of the golden path, in workflow order."""

    TRIAGE = "triage"
    DATA = "data"
    OPTIMIZATION = "optimization"
    ACTIONS = "actions"
    REPORTING = "reporting"
