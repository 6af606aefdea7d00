"""Agent execution engines."""
from typing_extensions import deprecated

from netra_backend.app.services.user_execution_context import UserExecutionContext


@deprecated("ExecutionEngine shares state between users; use UserExecutionEngine")
class ExecutionEngine:
    """Process-wide engine: one instance serves every user."""

    def __init__(self) -> None:
        self.active_runs: dict = {}


class UserExecutionEngine:
    """One engine per user request."""

    def __init__(self, context: UserExecutionContext) -> None:
        self.context = context
        self.active_runs: dict = {}

    async def execute_agent(self, agent, state=None):
        self.active_runs[agent.agent_type] = self.context.run_id
        try:
            return await agent.execute(state or self.context)
        finally:
            self.active_runs.pop(agent.agent_type, None)
