"""WebSocket infrastructure. Import from ``websocket_core.manager``."""
