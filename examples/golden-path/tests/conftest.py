"""Shared fixtures for the staging E2E suites."""
import asyncio
import os

import pytest


@pytest.fixture(scope="session")
def staging_config():
    """Endpoints of the staging GCP environment."""
    return {
        "api_url": os.environ.get("STAGING_API_URL", "https://api.staging.netrasystems.ai"),
        "ws_url": os.environ.get("STAGING_WS_URL", "wss://api.staging.netrasystems.ai/ws"),
        "timeout": float(os.environ.get("STAGING_TIMEOUT", "30")),
    }


@pytest.fixture(scope="session")
def event_loop_policy():
    return asyncio.DefaultEventLoopPolicy()
