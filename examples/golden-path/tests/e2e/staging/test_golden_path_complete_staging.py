"""Complete Golden Path against the staging environment."""
import logging
import unittest

from netra_backend.app.schemas.core_enums import AgentType
from netra_backend.app.websocket_core.manager import WebSocketEvent
from test_framework.ssot.base_test_case import SSotAsyncTestCase

STAGING_API = "https://api.staging.netrasystems.ai"


class TestGoldenPathCompleteStaging(SSotAsyncTestCase):
    @classmethod
    async def asyncSetUpClass(cls):
        cls.logger = logging.getLogger(__name__)
        cls.test_user = {"user_id": "demo-user", "email": "golden-path@netrasystems.ai"}

    async def test_golden_path_user_login(self):
        user = self.test_user
        self.assertTrue(user["email"].endswith("@netrasystems.ai"))

    async def test_golden_path_agent_response(self):
        self.logger.info("expecting %d agents from %s", len(AgentType), STAGING_API)
        self.assertIn("staging", STAGING_API)


class TestWebSocketEventsStaging(unittest.TestCase):
    def setUp(self):
        self.user_id = "demo-user"

    async def test_websocket_event_flow_real(self):
        event = WebSocketEvent("agent_started", self.user_id, {"agent_name": "triage"})
        self.assertEqual(event.to_dict()["event_type"], "agent_started")


def test_health_check(staging_config, redis_client):
    assert staging_config["api_url"].startswith("https://")
    assert redis_client.ping()


class TestAgentRegistry:
    def test_golden_path_agents_registered(self):
        names = {agent_type.value for agent_type in AgentType}
        assert {"triage", "data", "optimization", "actions", "reporting"} <= names
