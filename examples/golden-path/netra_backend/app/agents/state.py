"""Agent state re-exports, kept so that old imports keep working."""
from netra_backend.app.schemas.agent_models import DeepAgentState

__all__ = ["DeepAgentState"]
