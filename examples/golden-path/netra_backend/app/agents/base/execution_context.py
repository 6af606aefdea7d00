"""Execution context handed to every agent run.

``ExecutionResult`` used to live here; it moved to
``netra_backend.app.agents.base.execution_result``.
"""
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Dict, Optional


class ExecutionStatus(Enum):
    """Kept "for backwards compatibility": same members, different object."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass
class ExecutionContext:
    run_id: str
    agent_name: str
    user_id: str
    status: ExecutionStatus = ExecutionStatus.PENDING
    metadata: Dict[str, Any] = field(default_factory=dict)
    started_at: float = field(default_factory=time.monotonic)
    finished_at: Optional[float] = None

    def mark_running(self) -> None:
        self.status = ExecutionStatus.RUNNING

    def mark_finished(self, ok: bool) -> None:
        self.status = ExecutionStatus.COMPLETED if ok else ExecutionStatus.FAILED
        self.finished_at = time.monotonic()

    @property
    def elapsed_ms(self) -> float:
        end = self.finished_at if self.finished_at is not None else time.monotonic()
        return (end - self.started_at) * 1000.0
