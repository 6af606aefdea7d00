"""STALE COPY (pre-refactor) of netra_backend/app/agents/base/execution_context.py.

Kept for reference only; excluded from linting by ``exclude = ["backup/**"]``.
"""
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Dict, Optional

from netra_backend.app.schemas.agent_models import DeepAgentState
from netra_backend.app.websocket_core.old_manager import WebSocketManager


class ExecutionStatus(Enum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass
class ExecutionResult:
    status: ExecutionStatus
    agent_name: str
    data: Dict[str, Any] = field(default_factory=dict)
    error: Optional[str] = None

    @property
    def is_success(self) -> bool:
        return self.status == ExecutionStatus.COMPLETED


def legacy_state(user_id: str) -> DeepAgentState:
    return DeepAgentState(user_id, thread_id="legacy")


def legacy_manager() -> WebSocketManager:
    return WebSocketManager()
