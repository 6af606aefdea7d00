"""`[tool.ssotlint]` validation: each mistake is exit 2 naming key and file, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Cli, run_cli

from ssotlint.cli import main, resolve_config
from ssotlint.config import ConfigError

FILES = {"app/__init__.py": "", "app/a.py": "x = 1\n"}


def _assert_config_error(cli: Cli, root: Path, key: str, *args: str) -> str:
    code, out, err = cli(root, *(args or ("check",)))
    assert code == 2, (out, err)
    assert key in err, err
    assert str(root / "pyproject.toml") in err, err
    assert out == ""
    return err


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ("foo = 1\n", "tool.ssotlint.foo"),
        ("[tool.ssotlint.canonical]\nfoo = 1\n", "tool.ssotlint.canonical.foo"),
        ("[tool.ssotlint.tests]\nbasez = []\n", "tool.ssotlint.tests.basez"),
        ("[tool.ssotlint.score]\nweightz = {}\n", "tool.ssotlint.score.weightz"),
        (
            '[tool.ssotlint.deprecated]\n"app.a.x" = { replacment = "app.b" }\n',
            "replacment",
        ),
    ],
    ids=["top-level", "canonical", "tests", "score", "deprecated-entry"],
)
def test_unknown_key_is_exit_2(
    make_project: Callable[..., Path], cli: Cli, config: str, key: str
) -> None:
    root = make_project(FILES, config)
    stderr = _assert_config_error(cli, root, key)
    assert "not a known setting" in stderr


@pytest.mark.parametrize(
    ("config", "key", "problem"),
    [
        ('src = "x"\n', "tool.ssotlint.src", "list of strings"),
        ('fail-under = "high"\n', "tool.ssotlint.fail-under", "number"),
        ("fail-under = true\n", "tool.ssotlint.fail-under", "number"),
        ("fail-under = 150\n", "tool.ssotlint.fail-under", "between 0 and 100"),
        ("exclude = [1, 2]\n", "tool.ssotlint.exclude", "list of strings"),
        ('per-file-ignores = ["x"]\n', "tool.ssotlint.per-file-ignores", "table"),
        ('src = ["nope"]\n', "tool.ssotlint.src", "not a folder"),
        ('[tool.ssotlint.canonical]\nkinds = ["struct"]\n', "canonical.kinds", "'struct'"),
        ('[tool.ssotlint.canonical]\nmodules = ["not a module"]\n', "canonical.modules", "dotted"),
        ("[tool.ssotlint.score]\nweights = { SOT9 = 1 }\n", "weights.SOT9", "family"),
        (
            '[tool.ssotlint.imports]\ncheck-try-except = "yes"\n',
            "check-try-except",
            "true or false",
        ),
    ],
)
def test_wrong_type_is_exit_2(
    make_project: Callable[..., Path], cli: Cli, config: str, key: str, problem: str
) -> None:
    root = make_project(FILES, config)
    stderr = _assert_config_error(cli, root, key)
    assert problem in stderr


@pytest.mark.parametrize(
    ("config", "key", "code"),
    [
        ('select = ["SOT999x"]\n', "tool.ssotlint.select", "SOT999x"),
        ('select = ["E501"]\n', "tool.ssotlint.select", "E501"),
        ('ignore = ["SOT77"]\n', "tool.ssotlint.ignore", "SOT77"),
        (
            'per-file-ignores = { "scripts/**" = ["SOT777"] }\n',
            "tool.ssotlint.per-file-ignores.scripts/**",
            "SOT777",
        ),
    ],
)
def test_unknown_code_is_exit_2(
    make_project: Callable[..., Path], cli: Cli, config: str, key: str, code: str
) -> None:
    root = make_project(FILES, config)
    stderr = _assert_config_error(cli, root, key)
    assert code in stderr


def test_known_prefixes_are_accepted(make_project: Callable[..., Path], cli: Cli) -> None:
    root = make_project(FILES, 'select = ["SOT1", "SOT201"]\nignore = ["SOT9"]\n')
    code, _, err = cli(root, "check", "--no-cache")
    assert code == 0, err


def test_invalid_toml_is_exit_2(make_project: Callable[..., Path], cli: Cli) -> None:
    root = make_project(FILES, 'select = ["SOT"\nfail-under = 3\n')
    stderr = _assert_config_error(cli, root, "invalid TOML")
    assert "line 3" in stderr  # tomllib's position


def test_config_errors_never_print_a_traceback(make_project: Callable[..., Path]) -> None:
    """The real entry point, in a subprocess: exit 2, key and file named, no traceback."""
    for i, config in enumerate(("src = [\n", "[tool.ssotlint.canonical]\nfoo = 1\n")):
        root = make_project(FILES, config, name=f"p{i}")
        proc = run_cli("check", cwd=root)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        assert str(root / "pyproject.toml") in proc.stderr
        assert proc.stdout == ""


def test_config_error_in_show_settings_too(make_project: Callable[..., Path], cli: Cli) -> None:
    root = make_project(FILES, "foo = 1\n")
    _assert_config_error(cli, root, "tool.ssotlint.foo", "show-settings")


def test_config_error_in_process_names_key_and_file(
    make_project: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_project(FILES, "[tool.ssotlint.canonical]\nfoo = 1\n")
    with pytest.raises(ConfigError) as info:
        resolve_config(None, root)
    assert "tool.ssotlint.canonical.foo" in str(info.value)
    assert str(root / "pyproject.toml") in str(info.value)
    monkeypatch.chdir(root)
    assert main(["check"]) == 2
    assert "tool.ssotlint.canonical.foo" in capsys.readouterr().err


def test_cli_select_unknown_code_is_exit_2(make_project: Callable[..., Path], cli: Cli) -> None:
    root = make_project(FILES)
    for args in (("--select", "SOT999x"), ("--ignore", "XYZ"), ("--select", "SOT1,SOT55")):
        code, out, err = cli(root, "check", "--no-cache", *args)
        assert code == 2, (args, out, err)
        assert "unknown rule code" in err
        assert args[1].split(",")[-1].upper() in err
        assert out == ""


def test_missing_path_is_exit_2(make_project: Callable[..., Path], cli: Cli) -> None:
    root = make_project(FILES)
    code, _, err = cli(root, "check", "app/nope.py")
    assert code == 2
    assert "nope.py" in err


def test_explicit_config_missing_is_exit_2(make_project: Callable[..., Path], cli: Cli) -> None:
    root = make_project(FILES)
    code, _, err = cli(root, "--config", "other.toml", "check")
    assert code == 2
    assert "other.toml" in err


def test_show_settings_prints_resolved_json_and_origin(
    make_project: Callable[..., Path], cli: Cli
) -> None:
    root = make_project(
        FILES,
        """
        exclude = ["backup/**"]
        fail-under = 80

        [tool.ssotlint.canonical]
        symbols = { Status = "app.a" }

        [tool.ssotlint.deprecated]
        "app.a.x" = { message = "gone", replacement = "app.a.y", drop-in = true }
        """,
    )
    code, out, err = cli(root, "show-settings")
    assert code == 0, err
    data = json.loads(out)
    assert data["exclude"] == ["backup/**"]
    assert data["fail_under"] == 80.0
    assert data["select"] == ["SOT"]  # a default, resolved
    assert data["src"] == ["."]
    assert data["canonical_symbols"] == {"Status": "app.a"}
    assert data["deprecated"]["app.a.x"]["replacement"] == "app.a.y"
    assert data["deprecated"]["app.a.x"]["drop_in"] is True
    assert data["root"] == str(root)
    where = str(root / "pyproject.toml")
    assert data["source"] == where
    assert where in err  # "settings from ..."


def test_show_settings_from_a_subfolder_finds_the_project(
    make_project: Callable[..., Path], cli: Cli
) -> None:
    root = make_project(FILES, "fail-under = 42\n")
    code, out, err = cli(root / "app", "show-settings")
    assert code == 0, err
    assert json.loads(out)["fail_under"] == 42.0
    assert str(root / "pyproject.toml") in err


def test_show_settings_without_config_says_defaults(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    code, out, err = cli(tmp_path, "show-settings")
    assert code == 0, err
    data = json.loads(out)
    assert data["source"] is None
    assert data["select"] == ["SOT"]
    assert "default" in err


def test_pyproject_without_section_is_skipped_for_the_parent(tmp_path: Path) -> None:
    """The project root is the nearest pyproject *with* [tool.ssotlint]."""
    (tmp_path / "pyproject.toml").write_text("[tool.ssotlint]\nfail-under = 12\n")
    sub = tmp_path / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[project]\nname = 'pkg'\n")
    config = resolve_config(None, sub)
    assert config.root == tmp_path.resolve()
    assert config.fail_under == 12.0


@pytest.mark.parametrize(
    ("config", "warning"),
    [
        (
            '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n'
            '[tool.ssotlint.deprecated]\n"app.enums" = { replacement = "app.models" }\n',
            "the canonical home of `Status`, `app.enums`, is deprecated (`app.enums`)",
        ),
        (
            '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n'
            '[tool.ssotlint.deprecated]\n"app.enums.Status" = { replacement = "app.b.Status" }\n',
            "`app.enums.Status` is the canonical `Status` and also deprecated",
        ),
        (
            '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n'
            '[tool.ssotlint.deprecated]\n"app.old.State" = { replacement = "app.b.Status" }\n',
            "`app.old.State` is replaced by `app.b.Status`, but the canonical `Status` lives in `app.enums`",
        ),
        (
            '[tool.ssotlint.deprecated]\n"app.a" = { replacement = "app.a" }\n',
            "deprecated `app.a` names itself as its replacement",
        ),
        (
            '[tool.ssotlint.canonical]\nmodules = ["app.core.enums"]\n'
            '[tool.ssotlint.deprecated]\n"app.core" = { replacement = "app.new" }\n',
            "canonical module `app.core.enums` is deprecated (`app.core`)",
        ),
    ],
    ids=["home-module", "home-symbol", "replacement-elsewhere", "self-replacement", "module"],
)
def test_contradictory_config_is_a_warning(
    make_project: Callable[..., Path], cli: Cli, config: str, warning: str
) -> None:
    root = make_project(FILES, config)
    assert resolve_config(None, root).contradictions() == [warning]
    code, _, err = cli(root, "check")
    assert code == 0
    assert f"ssotlint: config warning: {warning}; fixes that would undo each other" in err


def test_consistent_config_has_no_warning(make_project: Callable[..., Path], cli: Cli) -> None:
    config = (
        '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n'
        '[tool.ssotlint.deprecated]\n"app.old.Status" = { replacement = "app.enums.Status" }\n'
    )
    root = make_project(FILES, config)
    assert resolve_config(None, root).contradictions() == []
    assert "warning" not in cli(root, "check")[2]
