"""Fixtures of popular pytest plugins, for when the plugin is declared but not installed.

ssotlint finds an installed plugin's fixtures by reading its source. Where it runs matters:
pre-commit's hook environment, a CI lint job or an editor's tool venv hold ssotlint but rarely
the project's test plugins, and SOT403 would report every `mocker` as a missing fixture. So a
plugin that the project *declares* (its name in `pyproject.toml`, `setup.cfg`, `setup.py`,
`tox.ini`, `Pipfile`, `environment.yml`, `requirements*.txt` or `requirements/*.txt|in` at the
root) but that this environment lacks contributes the fixtures listed here. An installed
plugin is always read from its source instead, and an undeclared one contributes nothing.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

# distribution name (normalised: lower case, `-`) -> its fixtures
KNOWN: dict[str, frozenset[str]] = {
    "pytest-mock": frozenset(
        {"mocker", "class_mocker", "module_mocker", "package_mocker", "session_mocker"}
    ),
    "pytest-asyncio": frozenset(
        {"event_loop", "event_loop_policy", "unused_tcp_port", "unused_tcp_port_factory",
         "unused_udp_port", "unused_udp_port_factory"}
    ),
    "anyio": frozenset(
        {"anyio_backend", "anyio_backend_name", "anyio_backend_options", "free_tcp_port",
         "free_tcp_port_factory", "free_udp_port", "free_udp_port_factory"}
    ),
    "pytest-trio": frozenset({"nursery", "autojump_clock", "mock_clock"}),
    "pytest-django": frozenset(
        {"admin_client", "admin_user", "async_client", "async_rf", "client", "db",
         "django_assert_max_num_queries", "django_assert_num_queries",
         "django_capture_on_commit_callbacks", "django_db_blocker", "django_db_createdb",
         "django_db_keepdb", "django_db_modify_db_settings", "django_db_reset_sequences",
         "django_db_serialized_rollback", "django_db_setup", "django_db_use_migrations",
         "django_mail_dnsname", "django_mail_patch_dns", "django_user_model",
         "django_username_field", "live_server", "mailoutbox", "rf", "settings",
         "transactional_db"}
    ),
    "pytest-benchmark": frozenset({"benchmark", "benchmark_weave"}),
    "syrupy": frozenset({"snapshot"}),
    "pytest-snapshot": frozenset({"snapshot"}),
    "pytest-freezer": frozenset({"freezer"}),
    "pytest-freezegun": frozenset({"freezer"}),
    "time-machine": frozenset({"time_machine"}),
    "pytest-httpx": frozenset(
        {"httpx_mock", "non_mocked_hosts", "assert_all_responses_were_requested"}
    ),
    "requests-mock": frozenset({"requests_mock"}),
    "pytest-aiohttp": frozenset(
        {"aiohttp_client", "aiohttp_server", "aiohttp_raw_server", "aiohttp_unused_port"}
    ),
    "pytest-xdist": frozenset({"worker_id", "testrun_uid"}),
    "pytest-cov": frozenset({"cov", "no_cover"}),
    "pytest-httpserver": frozenset(
        {"httpserver", "httpserver_ipv4", "httpserver_ipv6", "httpserver_listen_address",
         "httpserver_ssl_context", "make_httpserver"}
    ),
    "pytest-localserver": frozenset({"httpserver", "httpsserver", "smtpserver"}),
    "pytest-httpbin": frozenset({"httpbin", "httpbin_secure", "httpbin_both", "httpbin_ca_bundle"}),
    "pytest-socket": frozenset({"socket_disabled", "socket_enabled"}),
    "pytest-subtests": frozenset({"subtests"}),
    "pytest-examples": frozenset({"eval_example"}),
    "pytest-datadir": frozenset({"datadir", "shared_datadir", "original_datadir"}),
    "pytest-regressions": frozenset(
        {"data_regression", "dataframe_regression", "file_regression", "image_regression",
         "ndarrays_regression", "num_regression"}
    ),
    "pytest-recording": frozenset({"vcr", "vcr_cassette", "vcr_cassette_dir", "vcr_config"}),
    "pytest-vcr": frozenset({"vcr", "vcr_cassette", "vcr_cassette_dir", "vcr_config"}),
    "pytest-qt": frozenset({"qapp", "qapp_args", "qapp_cls", "qtbot", "qtlog", "qtmodeltester"}),
    "pytest-playwright": frozenset(
        {"browser", "browser_context_args", "browser_name", "browser_type",
         "browser_type_launch_args", "context", "is_chromium", "is_firefox", "is_webkit",
         "page", "playwright"}
    ),
    "pytest-flask": frozenset(
        {"accept_any", "accept_json", "accept_jsonp", "accept_mimetype", "client",
         "client_class", "config", "live_server", "request_ctx"}
    ),
    "pytest-postgresql": frozenset({"postgresql", "postgresql_noproc", "postgresql_proc"}),
    "pytest-redis": frozenset({"redisdb", "redis_nooproc", "redis_proc"}),
    "pytest-celery": frozenset(
        {"celery_app", "celery_config", "celery_enable_logging", "celery_includes",
         "celery_parameters", "celery_session_app", "celery_session_worker", "celery_worker",
         "celery_worker_parameters", "celery_worker_pool", "depends_on_current_app"}
    ),
    "pytest-docker": frozenset({"docker_compose_file", "docker_ip", "docker_services"}),
    "pytest-mongodb": frozenset({"mongodb"}),
    "pytest-structlog": frozenset({"log"}),
    "pytest-console-scripts": frozenset({"script_runner", "script_cwd", "script_launch_mode"}),
    "pytest-check": frozenset({"check"}),
    "pytest-click": frozenset({"cli_runner", "isolated_cli_runner"}),
    "pytest-tornado": frozenset(
        {"http_client", "http_port", "http_server", "http_server_client", "io_loop"}
    ),
    "pytest-sanic": frozenset({"sanic_client", "test_server", "loop"}),
}  # fmt: skip

DECLARATION_FILES = (
    "pyproject.toml", "setup.cfg", "setup.py", "tox.ini", "Pipfile", "environment.yml",
    "environment.yaml", "noxfile.py",
)  # fmt: skip


def declaration_files(root: Path) -> list[Path]:
    """Where a project names its test dependencies (existing files only)."""
    found = [root / name for name in DECLARATION_FILES]
    found += sorted(root.glob("*requirements*.txt")) + sorted(root.glob("*requirements*.in"))
    for folder in ("requirements", "reqs", "requirements.d"):
        found += sorted((root / folder).glob("*.txt")) + sorted((root / folder).glob("*.in"))
    return [p for p in found if p.is_file()]


def _pattern(dist: str) -> re.Pattern[str]:
    name = r"[-_.]".join(re.escape(part) for part in re.split(r"[-_.]", dist))
    return re.compile(rf"(?<![\w.-]){name}(?![\w-])", re.IGNORECASE)


_PATTERNS = {dist: _pattern(dist) for dist in KNOWN}


def _installed(dist: str) -> bool:
    try:
        importlib.metadata.distribution(dist)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _declared(root: Path) -> frozenset[str]:
    text = ""
    for path in declaration_files(root):
        try:
            text += path.read_text(encoding="utf-8", errors="replace")[:1_000_000] + "\n"
        except OSError:
            continue
    return frozenset(dist for dist, pattern in _PATTERNS.items() if pattern.search(text))


def declaration_stamp(root: Path) -> tuple[object, ...]:
    stamps: list[object] = []
    for path in declaration_files(root):
        try:
            st = path.stat()
        except OSError:
            continue
        stamps.append((path.name, st.st_mtime_ns, st.st_size))
    return tuple(stamps)


_PER_RUN: dict[Path, frozenset[str]] = {}


def forget_declarations() -> None:
    """A new run (or an editor's next check) looks at the declaration files again."""
    _PER_RUN.clear()


def declared_plugin_fixtures(root: Path) -> frozenset[str]:
    """Fixtures of the known plugins the project declares and this environment lacks."""
    if root not in _PER_RUN:
        names: set[str] = set()
        for dist in _declared(root):
            if not _installed(dist):
                names |= KNOWN[dist]
        _PER_RUN[root] = frozenset(names)
    return _PER_RUN[root]
