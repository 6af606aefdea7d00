"""Old WebSocket import path, kept as a shim during the migration.

Deprecated: import from ``netra_backend.app.websocket_core.manager``.
"""
from netra_backend.app.websocket_core.manager import WebSocketEvent, WebSocketManager

__all__ = ["WebSocketEvent", "WebSocketManager"]
