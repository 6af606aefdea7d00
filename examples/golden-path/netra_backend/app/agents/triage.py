"""Triage agent: classifies the user's request."""
from netra_backend.app.agents.base.execution_result import ExecutionResult
from netra_backend.app.agents.state import DeepAgentState
from netra_backend.app.schemas.core_enums import AgentType, ExecutionStatus


class TriageAgent:
    agent_type = AgentType.TRIAGE

    async def execute_for_user(self, user_id: str, thread_id: str, message: str) -> ExecutionResult:
        state = DeepAgentState(user_id, thread_id, metadata={"message": message})
        return await self.execute(state)

    async def execute(self, state) -> ExecutionResult:
        message = state.metadata.get("message", "")
        category = "cost_optimization" if "cost" in message.lower() else "general"
        state.agent_outputs[self.agent_type.value] = {"category": category}
        return ExecutionResult(
            status=ExecutionStatus.COMPLETED,
            agent_name=self.agent_type.value,
            data={"category": category},
        )
