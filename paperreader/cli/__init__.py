"""The command line: a stable, scriptable contract (`--json` everywhere papers are printed).

Exit codes: 0 done; 1 not found; 2 bad input or usage, with one line on stderr.
Without a subcommand, `paperreader` starts the TUI.
"""

from __future__ import annotations

import sys

from paperreader import __version__

EXIT_OK, EXIT_NOT_FOUND, EXIT_BAD = 0, 1, 2
# Each module registers its subcommands with `register(subparsers)`.
COMMAND_MODULES = ("paperreader.cli.commands", "paperreader.cli.transfer", "paperreader.cli.maintenance",
                   "paperreader.cli.library_commands", "paperreader.cli.listings")


class CliError(Exception):
    """A failure to report in one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_BAD) -> None:
        super().__init__(message)
        self.code = code


def data_dir_arg(value: str) -> str:
    """An empty --data-dir (an unset shell variable) would be the current folder: refused."""
    import argparse  # here and in build_parser: the reader's launch never parses arguments (3 ms)

    if not value.strip():
        raise argparse.ArgumentTypeError("is empty (give a folder, or leave --data-dir out for the default)")
    return value


def one_tag(value: str) -> str:
    """An argument that names exactly one tag (`tags rename OLD NEW`, `--tag T`): cleaned as stored.
    A comma separates tags wherever tags are typed (`tag ID ml,rl` is two), so a name holding one
    is refused here rather than quietly made one tag `ml-rl`; so is a name that cleans to nothing."""
    import argparse

    from paperreader.text import clean_tag, one_tag_problem

    value = _utf8_arg(value)
    if (problem := one_tag_problem(value)) is not None:
        raise argparse.ArgumentTypeError(problem)
    return clean_tag(value)


tag_filter = one_tag  # `--tag T` of list and export


def tag_words(value: str) -> list[str]:
    """`tag ID TAG...` / `untag`: commas separate tags in an argument (`ml,rl` is two, as in the
    reader's tag dialog); the shell has already split on spaces, so spaces left inside one quoted
    argument join its words (`"deep learning"` is deep-learning, as `tag:"deep learning"` reads it).
    An argument naming no tag is refused."""
    from paperreader.text import clean_tag

    value = _utf8_arg(value)
    return _tags_or_refused(value, list(dict.fromkeys(t for t in (clean_tag(x) for x in value.split(",")) if t)))


def _utf8_arg(value: str) -> str:
    if not_utf8(value):
        import argparse

        raise argparse.ArgumentTypeError(f"{value.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')!r} is not UTF-8 text")
    return value


def _tags_or_refused(value: str, tags: list[str]) -> list[str]:
    if not any(tags):
        import argparse

        raise argparse.ArgumentTypeError(f"{value!r} is not a tag name")
    return tags


def build_parser() -> argparse.ArgumentParser:
    import argparse
    import importlib

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> None:  # one line, exit 2
            raise CliError(f"{self.prog}: {message}", EXIT_BAD)

    parser = _Parser(prog="paperreader", description="A terminal reader for research-paper abstracts.")
    parser.add_argument("--version", action="version", version=f"paperreader {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", type=data_dir_arg, help=DATA_DIR_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    _data_dir_after_command(subparsers)
    _describe_common(parser)
    return parser


DATA_DIR_HELP = "where the library and index live (or $PAPERREADER_DATA_DIR)"


def _data_dir_after_command(subparsers: argparse._SubParsersAction) -> None:
    """`--data-dir DIR` after the command too (`paperreader search --data-dir DIR QUERY`), on every
    command and action: SUPPRESS sets nothing when it is absent, so the one before the command
    holds, and one after it wins."""
    import argparse

    for sub in subparsers.choices.values():
        sub.add_argument("--data-dir", metavar="DIR", type=data_dir_arg, default=argparse.SUPPRESS, help=DATA_DIR_HELP)
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                _data_dir_after_command(action)


COMMON_HELP = {  # the arguments every command shares, described once
    "json": "print JSON (its shape: README, The command line)",
    "id": "a paper id: arxiv:2401.12345, an arXiv id or link, a Hugging Face paper link, a DOI, or t: and 12 hex digits",
    "ids": "paper ids: arxiv:2401.12345, arXiv ids or links, Hugging Face paper links, DOIs, or t: and 12 hex digits",
}


def _describe_common(parser: argparse.ArgumentParser) -> None:
    """Give `--json`, `id` and `ids` their one help text wherever a command left it out."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _describe_common(sub)
        elif action.help is None and action.dest in COMMON_HELP:
            action.help = COMMON_HELP[action.dest]


def _tui_data_dir(argv: list[str]) -> tuple[bool, str | None]:
    """`paperreader` and `paperreader --data-dir DIR` start the TUI: known without building every
    command's parser (importing them costs the TUI's launch ~6 ms). (True, data dir) for those."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--data-dir" and argv[1].strip() and not argv[1].startswith("-"):
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--data-dir=") and len(argv[0]) > len("--data-dir="):
        return True, argv[0].split("=", 1)[1]
    return False, None


PATH_ARGUMENTS = ("paths", "file", "output", "data_dir")  # file names may be any bytes; every other text must be UTF-8


def not_utf8(text: str) -> bool:
    """Whether `text` came from bytes that are not UTF-8 (a Latin-1 terminal): Python hands them over as
    lone surrogates, which the index and the store cannot take."""
    return any("\udc80" <= c <= "\udcff" for c in text)


def _check_text(args) -> None:
    """One line, exit 2, for a query, id, tag or name that is not UTF-8 text (it was a traceback deep in
    the search); file names are left alone."""
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for text in values:
            if name not in PATH_ARGUMENTS and isinstance(text, str) and not_utf8(text):
                shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                raise CliError(f"paperreader: argument {name}: {shown!r} is not UTF-8 text (is the terminal's encoding UTF-8?)", EXIT_BAD)


def main(argv: list[str] | None = None) -> int:
    tui, data_dir = _tui_data_dir(sys.argv[1:] if argv is None else argv)
    if not tui:
        from paperreader.cli.render import clean_streams

        with clean_streams():  # every text a command prints, its errors included, is cleaned
            args = _guarded(lambda: build_parser().parse_args(query_words_last(sys.argv[1:] if argv is None else argv)))
            if isinstance(args, int):
                return args
            checked = _guarded(lambda: _check_text(args))
            if isinstance(checked, int) and checked != EXIT_OK:
                return checked
            if args.command is not None:
                return _guarded(lambda: args.handler(args) or EXIT_OK)
        data_dir = args.data_dir
    from paperreader.tui import run  # the TUI draws with its own escapes, on the streams as they are

    return run(data_dir=data_dir)


# commands whose positional words are a query, with their options (and how many values each takes)
QUERY_COMMANDS = {("search",): {"--limit": 1, "--json": 0, "--stdin": 0, "--data-dir": 1},
                  ("saved", "add"): {"--json": 0, "--data-dir": 1}}


def query_words_last(argv: list[str]) -> list[str]:
    """A query may begin with `-word` (NOT: `search -vision mamba`), which argparse would take for an
    unknown option. For a query command: its own options first, then `--`, then every other word in
    the order typed. A `--word` it does not know stays an option (a typo is still an error). And
    `export --query -vision` is `--query=-vision` (argparse refuses an option's value that begins with -)."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):  # the options before the command
        i += 2 if argv[i] == "--data-dir" else 1
    if argv[i : i + 1] == ["export"] and "--query" in argv[i:-1]:  # export --query -vision
        k = argv.index("--query", i)
        value = argv[k + 1]
        return argv[:k] + [f"--query={value}"] + argv[k + 2 :] if value[:1] == "-" and value[:2] != "--" else argv
    for command, options in QUERY_COMMANDS.items():
        if tuple(argv[i : i + len(command)]) != command:
            continue
        start = i + len(command)
        head, words, rest = argv[:start], [], argv[start:]
        j = 0
        while j < len(rest):
            token = rest[j]
            if token == "--":
                words += rest[j + 1 :]
                break
            name = token.split("=", 1)[0]
            if name in ("-h", "--help") or name in options or token.startswith("--"):
                take = 1 + (options.get(name, 0) if "=" not in token else 0)
                head += rest[j : j + take]
                j += take
                continue
            words.append(token)
            j += 1
        return head + (["--", *words] if words else [])
    return argv


def _guarded(step):
    """`step()`, or the exit code of a failure reported in one line."""
    try:
        return step()
    except CliError as exc:
        print(str(exc).splitlines()[0] if str(exc) else "error", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("paperreader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a disk or permission failure no command turned into its own words
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"paperreader: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD
