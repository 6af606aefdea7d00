"""Legacy agent state models."""
import warnings
from typing import Any, Dict, Optional


class DeepAgentState:
    """Mutable agent state shared across one run.

    Deprecated: it is not isolated per user and has leaked data between
    concurrent users. Use ``UserExecutionContext`` instead.
    """

    def __init__(
        self,
        user_id: str,
        thread_id: str,
        run_id: Optional[str] = None,
        metadata: Optional[Dict[str, Any]] = None,
    ) -> None:
        warnings.warn(
            "DeepAgentState is deprecated: use UserExecutionContext",
            DeprecationWarning,
            stacklevel=2,
        )
        self.user_id = user_id
        self.thread_id = thread_id
        self.run_id = run_id
        self.metadata = dict(metadata or {})
        self.agent_outputs: Dict[str, Any] = {}
