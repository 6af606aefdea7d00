"""Golden Path E2E: user logs in -> agents run -> AI response is delivered."""
from unittest.mock import AsyncMock

from netra_backend.app.agents.base.execution_context import ExecutionStatus
from netra_backend.app.agents.base.execution_context import ExecutionResult
from netra_backend.app.agents.execution_engine import ExecutionEngine
from netra_backend.app.agents.workflow_orchestrator import WorkflowOrchestrator
from netra_backend.app.schemas.agent_models import DeepAgentState
from netra_backend.app.schemas.core_enums import AgentType
from test_framework.ssot.base_test_case import SSotAsyncTestCase


class TestWorkflowOrchestratorGoldenPath(SSotAsyncTestCase):
    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        self.events = []
        self.state = DeepAgentState(user_id="golden-user", thread_id="thread-1")
        self.bridge = AsyncMock()
        self.bridge.notify_agent_started.side_effect = self.track_agent_started
        self.bridge.notify_agent_completed.side_effect = self.track_agent_completed
        self.agents = {agent_type: self.make_agent(agent_type) for agent_type in AgentType}
        self.orchestrator = WorkflowOrchestrator(self.agents, self.bridge)

    @staticmethod
    def make_agent(agent_type: AgentType) -> AsyncMock:
        agent = AsyncMock()
        agent.agent_type = agent_type
        agent.execute.return_value = ExecutionResult(
            status=ExecutionStatus.COMPLETED, agent_name=agent_type.value
        )
        return agent

    async def track_agent_started(self, user_id, agent_name):
        self.events.append({"event_type": "agent_started", "agent_name": agent_name})

    async def track_agent_completed(self, user_id, agent_name, data):
        self.events.append({"event_type": "agent_completed", "agent_name": agent_name})

    async def test_golden_path_login_to_ai_response_complete_flow(self):
        results = await self.orchestrator.execute_golden_path(self.state)
        self.assertEqual(len(results), len(AgentType))
        self.assertTrue(WorkflowOrchestrator.succeeded(results))

    async def test_golden_path_websocket_event_delivery_validation(self):
        await self.orchestrator.execute_golden_path(self.state)
        for event in self.events:
            self.assertIn("agent_name", event, f"Event missing agent_name: {event}")
            self.assertIn("event_type", event, f"Event missing event_type: {event}")

    async def test_golden_path_fails_with_deprecated_execution_engine(self):
        with self.assertWarns(DeprecationWarning):
            ExecutionEngine()

    async def test_golden_path_business_value_metrics_validation(self):
        results = await self.orchestrator.execute_golden_path(self.state)
        self.record_metric("agents_succeeded", sum(r.is_success for r in results))
        self.assertEqual(self.metrics["agents_succeeded"], len(AgentType))
