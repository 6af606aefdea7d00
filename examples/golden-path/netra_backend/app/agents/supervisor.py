"""Supervisor: runs the golden path agents for one user."""
from typing import List, Optional

from netra_backend.app.agents.base.execution_result import ExecutionResult
from netra_backend.app.schemas.agent_models import DeepAgentState as AgentState
from netra_backend.app.schemas.core_enums import AgentType, ExecutionStatus


class SupervisorState(AgentState):
    """Agent state plus the supervisor's bookkeeping."""

    def __init__(self, user_id: str, thread_id: str, run_id: Optional[str] = None) -> None:
        super().__init__(user_id, thread_id, run_id=run_id)
        self.completed_agents: List[AgentType] = []


class SupervisorAgent:
    def __init__(self, agents, websocket_bridge) -> None:
        self.agents = agents
        self.websocket_bridge = websocket_bridge

    async def run(self, state) -> List[ExecutionResult]:
        if not isinstance(state, AgentState):
            raise TypeError(f"expected an agent state, got {type(state).__name__}")
        results: List[ExecutionResult] = []
        for agent_type in AgentType:
            result = await self.agents[agent_type].execute(state)
            results.append(result)
            if result.status is not ExecutionStatus.COMPLETED:
                break
            if isinstance(state, SupervisorState):
                state.completed_agents.append(agent_type)
        return results
