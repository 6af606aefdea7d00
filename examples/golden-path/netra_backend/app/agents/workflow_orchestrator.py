"""Workflow orchestrator: the golden path, login -> agents -> AI response."""
from typing import Dict, List

from netra_backend.app.agents.base.execution_result import ExecutionResult
from netra_backend.app.schemas import ExecutionStatus
from netra_backend.app.schemas.core_enums import AgentType
from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core.bridge import AgentWebSocketBridge


class WorkflowOrchestrator:
    def __init__(self, agents: Dict[AgentType, object], websocket_bridge: AgentWebSocketBridge) -> None:
        self.agents = agents
        self.websocket_bridge = websocket_bridge

    async def execute_golden_path(self, context: UserExecutionContext) -> List[ExecutionResult]:
        results: List[ExecutionResult] = []
        for agent_type in AgentType:
            await self.websocket_bridge.notify_agent_started(context.user_id, agent_type.value)
            result = await self.agents[agent_type].execute(context)
            results.append(result)
            await self.websocket_bridge.notify_agent_completed(
                context.user_id, agent_type.value, {"status": result.status.value}
            )
            if result.status != ExecutionStatus.COMPLETED:
                break
        return results

    @staticmethod
    def succeeded(results: List[ExecutionResult]) -> bool:
        return bool(results) and all(result.is_success for result in results)
