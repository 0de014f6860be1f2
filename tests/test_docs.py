"""The README documents what the code offers (Datasette's test_docs): every JINSHI_* setting the code reads
and every command of the ``jinshi`` CLI. Both lists are read from the code, so a new setting or command fails
here until the README names it."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGES = ("exhibits", "viewer", "search", "ingest", "media")
#: an environment variable's name is a string literal in the code (os.environ.get("JINSHI_HOME")), never a bare name
SETTING = re.compile(r"""["'](JINSHI_[A-Z][A-Z0-9_]*[A-Z0-9])["']""")


def settings_in_code() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found |= set(SETTING.findall(path.read_text(encoding="utf-8")))
    return found


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of a click group: ("halls", "load"), ("user", "token"), ..."""
    found = []
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        path = prefix + (name,)
        if isinstance(command, click.Group):
            found += commands(command, path) or [path]
        else:
            found.append(path)
    return found


def _cli() -> click.Group:
    from viewer.cli import main

    return main


def cli_lines() -> list[str]:
    """README lines that show a ``jinshi`` command (in code blocks, tables and prose alike)."""
    return [line for line in README.splitlines() if "jinshi " in line]


def documented(path: tuple[str, ...]) -> bool:
    """``jinshi user token`` is documented by a line with ``jinshi user token`` or ``jinshi user … | token``."""
    head, last = " ".join(path[:-1]), path[-1]
    for line in cli_lines():
        if re.search(rf"\bjinshi {re.escape(' '.join(path))}\b", line):
            return True
        if head and re.search(rf"\bjinshi {re.escape(head)}\b", line) and re.search(rf"[|\s]{re.escape(last)}\b", line):
            return True
    return False


def test_the_code_reads_settings_and_has_commands():
    """The two lists are not empty, so the tests below cannot pass on nothing."""
    assert {"JINSHI_HOME", "JINSHI_DATABASE_URL"} <= settings_in_code()
    assert ("halls", "load") in commands(_cli()) and ("ingest",) in commands(_cli())


@pytest.mark.parametrize("setting", sorted(settings_in_code()))
def test_setting_is_in_the_readme(setting):
    assert f"`{setting}`" in README, f"{setting} is read by the code but not documented in README.md"


@pytest.mark.parametrize("path", [" ".join(p) for p in commands(_cli())])
def test_command_is_in_the_readme(path):
    assert documented(tuple(path.split())), f"`jinshi {path}` is not documented in README.md"


def test_documented_helper_tells_a_missing_command():
    assert documented(("halls", "load"))
    assert not documented(("halls", "unload"))
