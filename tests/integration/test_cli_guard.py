"""The guard of the command line: no user mistake ends in a traceback.

Every subcommand the parser knows (new ones included, without touching this file) is run with
bad arguments: an unknown option, and its required arguments filled with wrong values (a
record that does not exist, a date written the wrong way, a negative number, a path that
cannot be written, a file of random bytes, a folder). Each must end with exit code 2 and one
line saying what is wrong; the catch-all's exit code 1 ("unexpected error") fails the test.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import pytest

from app.cli import build_parser, main
from app.demo.generator import DemoOptions, build_demo_in

# Commands that do not return on good input (a window, a server) are given only bad input.
LONG_RUNNING = {("gui",), ("server",)}
UNWRITABLE = "/proc/utilitydesk-no-such-folder/out"


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield path, parser
        return
    for name, child in subparsers[0].choices.items():
        yield from _leaves(child, (*path, name))


def _bad_value(action: argparse.Action, junk: Path) -> str:
    if action.choices:
        return "no-such-choice"
    name = (action.dest or "").lower()
    kind = getattr(action.type, "__name__", "")
    if action.type is Path or any(w in name for w in ("out", "pdf", "file", "dir")):
        return str(junk) if action.option_strings == [] or name == "file" else UNWRITABLE
    if action.type is int or "number" in kind:
        return "-1"
    if "date" in kind or name in ("period_start", "period_end", "today"):
        return "31/10/2026"
    if "url" in name or "server" in name:
        return "http://127.0.0.1:9"
    return "NO-SUCH-THING"


def _required_arguments(parser: argparse.ArgumentParser, junk: Path) -> list[str]:
    args: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or not (
                action.required or not action.option_strings):
            continue
        if isinstance(action, argparse._MutuallyExclusiveGroup):
            continue
        value = _bad_value(action, junk)
        args += [action.option_strings[0], value] if action.option_strings else [value]
    for group in parser._mutually_exclusive_groups:
        if group.required and group._group_actions:
            first = group._group_actions[0]
            args += [first.option_strings[0], _bad_value(first, junk)]
    return args


# Python's words instead of the user's ("invalid fromisoformat value", "ValueError: ..."): the
# message must say what is expected, in words a user reads.
PYTHON_WORDS = re.compile(r"invalid \w+ value|fromisoformat|\b[A-Z]\w*(Error|Exception)\b")

# Known records given a path that cannot be written.
EXTRA = (["receipt", "print", "R-5001", "--pdf", UNWRITABLE],)


def _cases(junk: Path):
    for path, parser in _leaves(build_parser(full=True)):
        yield path, [*path, "--no-such-option"]
        bad = _required_arguments(parser, junk)
        if bad and path not in LONG_RUNNING:  # nothing required: nothing to get wrong
            yield path, [*path, *bad]
        if str(junk) in bad:  # a file to read: also a folder, and one that is not there
            yield path, [*path, *[str(junk.parent) if a == str(junk) else a for a in bad]]
            yield path, [*path, *[str(junk) + ".missing" if a == str(junk) else a for a in bad]]
    for argv in EXTRA:
        yield tuple(argv[:2]), argv


@pytest.fixture(scope="module")
def utility(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-guard")
    build_demo_in(folder, DemoOptions(consumers=12, months=2, seed=3), progress=None)
    junk = folder / "random-bytes.csv"
    junk.write_bytes(os.urandom(4096))
    return folder, junk


def _run(argv: list[str], capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own refusal
        code = stop.code if isinstance(stop.code, int) else 2
    return code, capsys.readouterr().err


def test_every_subcommand_refuses_bad_arguments_in_one_line(utility, capsys, monkeypatch):
    folder, junk = utility
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    failures = []
    for _path, argv in _cases(junk):
        code, err = _run(["--data-dir", str(folder), *argv], capsys)
        if code != 2 or "Traceback" in err or not err.strip() or PYTHON_WORDS.search(err):
            failures.append(f"utilitydesk {' '.join(argv)} -> exit {code}: {err.strip()[-300:]}")
    assert failures == [], "\n".join(failures)


def test_reading_commands_refuse_a_mistyped_data_folder(tmp_path, capsys):
    typo = tmp_path / "no-such-folder"
    code, err = _run(["--data-dir", str(typo), "audit", "verify"], capsys)
    assert code == 2 and "holds no UtilityDesk data" in err
    assert not typo.exists()  # and nothing was created there


def test_the_guard_sees_every_subcommand():
    names = {path for path, _ in _leaves(build_parser(full=True))}
    assert {("demo",), ("audit", "verify"), ("tariff", "quote"), ("receipt", "print")} <= names


def test_each_command_finds_its_parser_when_only_its_own_is_built():
    """build_parser(command) builds only the named command's parser (a fast start): the name
    lists in app/cli.py must cover every command the counter and billing modules add."""
    from app.cli import BILLING_NAMES, COUNTER_NAMES

    everything = {path[0] for path, _ in _leaves(build_parser(full=True))}
    for name in everything:
        own = {path[0] for path, _ in _leaves(build_parser(name))}
        assert name in own, f"{name} is missing from its own parser"
    assert everything >= COUNTER_NAMES | BILLING_NAMES
