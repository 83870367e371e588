"""Letter files for segments written before they existed (search/letter_terms.py: `.ltr`;
search/letter_postings.py: `.lpo`, written by the bulk builder only), made in the background.

A library indexed before `.ltr` files existed (or whose files were deleted) answers the first
keystroke on a letter from the term dictionary, ~150 ms CPU more at a million papers, until a
rebuild. Once the reader's index is ready, `start(index)` looks for segments without a usable file
and, if there are any, starts `python -m paperreader.search.letter_backfill DIR`: a process of its
own at the lowest priority (a thread would hold the GIL against the keystrokes' searches, ~0.3 s a
100k-paper segment), one segment at a time, each file written whole (`letter_terms._replace`). The
searcher takes the new files in without a restart (the lexicon looks again for missing ones, at
most once a second). `fill` is the same work in the calling process (`paperreader index` may call it).
"""

from __future__ import annotations

import os
import sys
import time

STALE_TEMP_SECONDS = 3600  # a temp file this old is a killed writer's even if its pid is alive again

last_started = None  # the last backfill process started (subprocess.Popen): tests wait for it


def missing(reader) -> list:
    """The one-segment readers of `reader` (a Whoosh reader) whose segment lacks a usable letter
    terms file (`.ltr`) or letter postings file (`.lpo`, search/letter_postings.py)."""
    from paperreader.search.letter_postings import LetterPostings
    from paperreader.search.letter_terms import Prepared

    leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
    return [sub for sub, _offset in leaves if Prepared.open(sub) is None or LetterPostings.open(sub) is None]


def start(index) -> bool:
    """From the reader's index worker, once the index is ready: the backfill process started if a
    segment of the current searcher lacks its file. False when none does (nothing is started)."""
    global last_started
    import subprocess

    with index.lock:
        if not missing(index.searcher().reader()):
            return False
        folder = str(index.dir)
    last_started = subprocess.Popen(
        [sys.executable, "-m", "paperreader.search.letter_backfill", folder],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # not the terminal's: ^C or the reader's exit leaves it to finish
    )
    return True


def remove_stale_temps(folder: str) -> int:
    """Temp files of writers that were killed (their process is gone, or the file is old)."""
    from paperreader.search import letter_postings
    from paperreader.search.letter_terms import EXT, TEMP_MARK

    removed = 0
    for name in os.listdir(folder):
        for ext in (EXT, letter_postings.EXT):
            mark = ext + TEMP_MARK
            at = name.find(mark)
            if at >= 0:
                break
        else:
            continue
        path = os.path.join(folder, name)
        try:
            pid = int(name[at + len(mark):].split("_", 1)[0])
            old = time.time() - os.stat(path).st_mtime > STALE_TEMP_SECONDS
            if pid != os.getpid() and (old or not _alive(pid)):
                os.unlink(path)
                removed += 1
        except (OSError, ValueError):
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fill(index_dir, stop=lambda: False) -> int:
    """Write the missing files of the index's current segments, one at a time; how many were
    written. A segment that goes away meanwhile (a merge, a rebuild) is skipped; `stop()` is asked
    between segments."""
    from paperreader.search import letter_postings, letter_terms
    from paperreader.search.whoosh import whoosh_index

    folder = str(index_dir)
    remove_stale_temps(folder)
    written = 0
    ix = whoosh_index().open_dir(folder)
    with ix.reader() as reader:
        for sub in missing(reader):
            if stop():
                break
            try:
                if letter_terms.Prepared.open(sub) is None:
                    letter_terms.prepare(sub)
                if letter_postings.LetterPostings.open(sub) is None:
                    letter_postings.prepare(sub)
            except Exception:  # noqa: BLE001 (a cache: a segment deleted under us, a disk full)
                continue
            written += letter_terms.Prepared.open(sub) is not None and letter_postings.LetterPostings.open(sub) is not None
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m paperreader.search.letter_backfill INDEX_DIR", file=sys.stderr)
        return 2
    try:
        os.nice(19)  # after every search and the reader itself
    except OSError:
        pass
    try:
        fill(argv[0])
    except Exception as exc:  # noqa: BLE001 (an index replaced or gone: the next launch tries again)
        print(f"{argv[0]}: letter files not written: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
