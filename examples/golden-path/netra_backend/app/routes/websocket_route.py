"""WebSocket route: hands each connection to the process-wide manager."""
import netra_backend.app.websocket_core.old_manager

_manager = None


def get_websocket_manager():
    global _manager
    if _manager is None:
        _manager = netra_backend.app.websocket_core.old_manager.WebSocketManager()
    return _manager


async def websocket_endpoint(user_id: str, connection_id: str) -> None:
    manager = get_websocket_manager()
    manager.connect(user_id, connection_id)
