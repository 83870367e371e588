"""Every argument of every command says what it is in `--help` (a new user's first reading)."""

from __future__ import annotations

import argparse

import pytest

from paperreader.cli import build_parser


def arguments(parser: argparse.ArgumentParser, path: tuple[str, ...] = ("paperreader",)):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from arguments(sub, (*path, name))
        elif not isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            yield " ".join(path), action


def test_every_argument_has_a_help_text():
    missing = [f"{path} {'/'.join(a.option_strings) or a.dest}" for path, a in arguments(build_parser()) if not a.help]
    assert missing == []


def help_of(capsys, *command: str) -> str:
    from paperreader.cli import main

    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps at the terminal width


def test_the_help_of_a_command_describes_its_arguments(capsys):
    text = help_of(capsys, "tag")
    assert "a paper id: arxiv:2401.12345" in text and "--json print JSON" in text
    assert "commas separate tags ('ml,rl' is two), as in the reader's tag dialog" in text
    assert "spaces inside one quoted name become - ('deep learning' is deep-learning)" in text
    assert "at most N results (20; 0: all, as for list)" in help_of(capsys, "search")
