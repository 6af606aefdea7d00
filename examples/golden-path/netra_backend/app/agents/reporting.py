"""Reporting agent: turns the other agents' outputs into the AI response."""
import netra_backend.app.schemas.agent_models as models
from netra_backend.app.agents.base.execution_result import ExecutionResult

from ..schemas import core_enums


class ReportingAgent:
    agent_type = core_enums.AgentType.REPORTING

    async def execute_for_user(self, user_id: str, thread_id: str, findings: dict) -> ExecutionResult:
        state = models.DeepAgentState(user_id, thread_id)
        state.agent_outputs.update(findings)
        return await self.execute(state)

    async def execute(self, state) -> ExecutionResult:
        if not state.agent_outputs:
            return ExecutionResult.failed(self.agent_type.value, "nothing to report")
        summary = "; ".join(f"{name}: {out}" for name, out in sorted(state.agent_outputs.items()))
        return ExecutionResult(
            status=core_enums.ExecutionStatus.COMPLETED,
            agent_name=self.agent_type.value,
            data={"report": summary},
        )
