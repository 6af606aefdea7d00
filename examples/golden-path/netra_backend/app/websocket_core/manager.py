"""WebSocket manager: the SSOT for user connections and event delivery."""
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List


@dataclass
class WebSocketEvent:
    event_type: str
    user_id: str
    data: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


class WebSocketManager:
    """Tracks connections per user and delivers events only to their owner."""

    def __init__(self) -> None:
        self.connections: Dict[str, List[str]] = {}
        self.sent: List[WebSocketEvent] = []

    def connect(self, user_id: str, connection_id: str) -> None:
        self.connections.setdefault(user_id, []).append(connection_id)

    def disconnect(self, user_id: str, connection_id: str) -> None:
        conns = self.connections.get(user_id, [])
        if connection_id in conns:
            conns.remove(connection_id)

    async def send_to_user(self, user_id: str, event: WebSocketEvent) -> int:
        if event.user_id != user_id:
            raise ValueError("refusing to deliver another user's event")
        self.sent.append(event)
        return len(self.connections.get(user_id, []))
