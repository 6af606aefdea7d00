"""Mandated base test cases for the whole monorepo.

Sync tests derive from ``SSotBaseTestCase``, async tests from
``SSotAsyncTestCase`` (unittest awaits its async hooks and tests).
unittest has no ``asyncSetUpClass`` hook, and these bases never call one:
per-test state belongs in ``setUp`` / ``asyncSetUp``.
"""
import logging
import os
import unittest
import uuid
from typing import Any, Dict

_log = logging.getLogger("test_framework.ssot")


class SSotBaseTestCase(unittest.TestCase):
    """Base for synchronous tests: isolated env snapshot, logger, metrics."""

    def setUp(self) -> None:
        super().setUp()
        self.test_id = uuid.uuid4().hex[:8]
        self.logger = logging.getLogger(f"tests.{type(self).__name__}")
        self.env: Dict[str, str] = dict(os.environ)
        self.metrics: Dict[str, Any] = {}

    def tearDown(self) -> None:
        self.logger.debug("test %s metrics: %s", self.test_id, self.metrics)
        super().tearDown()

    def record_metric(self, name: str, value: Any) -> None:
        self.metrics[name] = value


class SSotAsyncTestCase(unittest.IsolatedAsyncioTestCase):
    """Base for async tests: ``asyncSetUp`` / ``asyncTearDown`` are awaited."""

    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        self.test_id = uuid.uuid4().hex[:8]
        self.env: Dict[str, str] = dict(os.environ)
        self.metrics: Dict[str, Any] = {}

    async def asyncTearDown(self) -> None:
        _log.debug("test %s metrics: %s", self.test_id, self.metrics)
        await super().asyncTearDown()

    def record_metric(self, name: str, value: Any) -> None:
        self.metrics[name] = value
