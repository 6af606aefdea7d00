"""Wire-level types for WebSocket messages."""
from enum import Enum


class MessageType(str, Enum):
    AGENT_STARTED = "agent_started"
    AGENT_THINKING = "agent_thinking"
    TOOL_EXECUTING = "tool_executing"
    AGENT_COMPLETED = "agent_completed"


class ExecutionStatus(Enum):
    """Delivery status of a WebSocket message (a different enum, same name)."""

    PENDING = "pending"
    DONE = "done"
