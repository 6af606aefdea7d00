"""Bridge between agent execution and WebSocket event delivery."""
from typing import Any, Dict, Optional

from netra_backend.app.websocket_core.old_manager import WebSocketManager, WebSocketEvent


class AgentWebSocketBridge:
    """Emits the golden path events (agent_started ... agent_completed) to one user."""

    def __init__(self, manager: Optional[WebSocketManager] = None) -> None:
        self.manager = manager or WebSocketManager()

    async def notify_agent_started(self, user_id: str, agent_name: str) -> int:
        event = WebSocketEvent("agent_started", user_id, {"agent_name": agent_name})
        return await self.manager.send_to_user(user_id, event)

    async def notify_agent_completed(
        self, user_id: str, agent_name: str, result: Dict[str, Any]
    ) -> int:
        data = {"agent_name": agent_name, "result": result}
        event = WebSocketEvent("agent_completed", user_id, data)
        return await self.manager.send_to_user(user_id, event)
