"""Letter files for segments that lack them (search/letter_backfill.py): written again as the
segment's writer wrote them, whole (a temp file renamed), a killed writer's temp file never read
and removed, and a searcher opened before them takes them in without a restart, answering alike."""

from __future__ import annotations

import os
import subprocess

from paperreader.model import Paper
from paperreader.search import letter_backfill, letter_terms, lexicon
from paperreader.search.lexicon import Lexicon

PREFIXES = ("t", "tr", "q", "de", "s", "z", "ø")


def _ltr(folder) -> dict:
    return {n: open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder)) if n.endswith(letter_terms.EXT)}


def _answers(lex) -> dict:
    return {(field, p, k): lex.top(field, p, k) for field in ("title", "abstract", "author", "tag")
            for p in PREFIXES for k in (3, 48)}


def _dead_pid() -> int:
    done = subprocess.Popen(["true"])
    done.wait()
    return done.pid


def test_missing_files_come_back_identical_and_a_killed_writers_temp_is_ignored(workspace, monkeypatch):
    ws = workspace
    ws.library.upsert([Paper(title="Trees of quantum transformers", authors=("Ada Tran",), abstract="Deep trees.")])
    ws.index.catch_up()  # a second segment, by Whoosh's writer
    folder = str(ws.index.dir)
    written = _ltr(folder)
    assert len(written) >= 2
    with ws.index.lock:
        leaves = ws.index.fast_search().leaves
        before = _answers(Lexicon(leaves))
        for name in written:
            os.unlink(os.path.join(folder, name))
        first = sorted(written)[0]
        killed = os.path.join(folder, f"{first}{letter_terms.TEMP_MARK}{_dead_pid()}_00000000")
        mine = os.path.join(folder, f"{first}{letter_terms.TEMP_MARK}{os.getpid()}_00000000")
        for temp in (killed, mine):  # a whole file's bytes, under a temp name: never read
            with open(temp, "wb") as f:
                f.write(written[first])
        monkeypatch.setattr(lexicon, "RECHECK_SECONDS", 0.0)
        lex = Lexicon(leaves)  # a searcher open before the backfill
        assert lex._prepared_parts("title", "t") is None and lex._prepared == [None] * len(leaves)
        assert _answers(lex) == before  # the term dictionary's answers

        assert letter_backfill.fill(folder) == len(written)
        assert _ltr(folder) == written  # as the segments' writers wrote them
        assert not os.path.exists(killed) and os.path.exists(mine)  # (this process's may be being written)
        assert lex._prepared_parts("title", "t") is not None  # taken in without a new searcher
        assert _answers(lex) == before == _answers(Lexicon(leaves))
        assert letter_backfill.fill(folder) == 0  # nothing missing: nothing written
        assert not letter_backfill.missing(ws.index.searcher().reader())
    os.unlink(mine)


def test_the_backfill_process_writes_them_and_a_stale_file_is_replaced(workspace):
    folder = str(workspace.index.dir)
    written = _ltr(folder)
    name = sorted(written)[0]
    with open(os.path.join(folder, name), "wb") as f:  # a partial file (a writer killed before the rename existed)
        f.write(written[name][: len(written[name]) // 2])
    assert letter_backfill.start(workspace.index)
    assert letter_backfill.last_started.wait(120) == 0
    assert _ltr(folder) == written
    assert not letter_backfill.start(workspace.index)  # every segment has its file: no process


def test_a_file_of_the_first_format_is_written_again(workspace):
    folder = str(workspace.index.dir)
    written = _ltr(folder)
    name = sorted(written)[0]
    with open(os.path.join(folder, name), "wb") as f:  # PRLETTR1: no term records (a library of a40ee98)
        f.write(written[name][:-8] + b"PRLETTR1")
    assert letter_backfill.fill(folder) == 1
    assert _ltr(folder) == written
