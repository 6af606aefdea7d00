"""Result of one agent execution."""
from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from netra_backend.app.schemas.core_enums import ExecutionStatus


@dataclass
class ExecutionResult:
    status: ExecutionStatus
    agent_name: str
    data: Dict[str, Any] = field(default_factory=dict)
    error: Optional[str] = None
    duration_ms: float = 0.0

    @property
    def is_success(self) -> bool:
        # Identity-based: a look-alike ExecutionStatus from another module
        # never compares equal, so is_success is silently False.
        return self.status == ExecutionStatus.COMPLETED

    @classmethod
    def failed(cls, agent_name: str, error: str) -> "ExecutionResult":
        return cls(status=ExecutionStatus.FAILED, agent_name=agent_name, error=error)
