"""Staging WebSocket connection tests (SSOT-compliant)."""
from netra_backend.app.websocket_core.manager import WebSocketEvent, WebSocketManager
from test_framework.ssot.base_test_case import SSotBaseTestCase


class TestWebSocketConnectionStaging(SSotBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.manager = WebSocketManager()
        self.user_id = "staging-user"

    def test_websocket_connection(self):
        self.manager.connect(self.user_id, "conn-1")
        self.logger.info("connected %s", self.user_id)
        self.assertEqual(self.manager.connections[self.user_id], ["conn-1"])

    def test_concurrent_websocket_connections(self):
        for n in range(7):
            self.manager.connect(self.user_id, f"conn-{n}")
        self.record_metric("connections", len(self.manager.connections[self.user_id]))
        self.assertEqual(self.metrics["connections"], 7)

    def test_websocket_event_serialisation(self):
        event = WebSocketEvent("agent_completed", self.user_id, {"agent_name": "reporting"})
        self.assertEqual(event.to_dict()["user_id"], self.user_id)
