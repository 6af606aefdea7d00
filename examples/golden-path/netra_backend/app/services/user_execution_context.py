"""Per-user execution context: the isolated replacement for DeepAgentState."""
import uuid
from typing import Any, Dict, Optional


class UserExecutionContext:
    """State of one user's request, never shared between users.

    Same constructor and attributes as the deprecated ``DeepAgentState``, so
    it is a drop-in replacement.
    """

    def __init__(
        self,
        user_id: str,
        thread_id: str,
        run_id: Optional[str] = None,
        metadata: Optional[Dict[str, Any]] = None,
    ) -> None:
        if not user_id:
            raise ValueError("UserExecutionContext requires a user_id")
        self.user_id = user_id
        self.thread_id = thread_id
        self.run_id = run_id or uuid.uuid4().hex
        self.metadata = dict(metadata or {})
        self.agent_outputs: Dict[str, Any] = {}

    @property
    def isolation_key(self) -> str:
        return f"{self.user_id}:{self.thread_id}:{self.run_id}"
