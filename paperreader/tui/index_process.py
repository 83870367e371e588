"""A big index build or catch-up in a process of its own: `python -m paperreader.tui.index_process DATA_DIR MODE`.

In the reader's index worker thread, Whoosh's build held the GIL in long stretches (its commit sorts
and merges the postings in single calls): keys waited behind it. In tmux, 140x40, the reader opened
on a library 100,000 papers ahead of its index: a key took up to 0.6-0.9 s to show while the build
committed, against at most ~0.23 s with the same build running in another process. So a build of
at least `FROM` papers runs here, and the worker thread only reads its lines (no GIL held while it
waits); small catch-ups stay in the thread (a process costs ~0.3 s to start).

Out, one JSON object a line: {"progress": [done, total, stage]} (search/rebuild.py's stages), then {"done": notice or null} or
{"failed": text, "busy": bool}. The reader quitting ends the process (SIGINT): a build is resumed
from its last chunk by the next one (search/rebuild.py), a catch-up is done again.
Imports no Textual (it runs without the app).
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable

FROM = 1_000  # papers behind (search.index.behind) from which a build or catch-up runs in a process


class Stopped(Exception):
    """The reader is quitting: the process was ended."""


class Failed(Exception):
    def __init__(self, text: str, busy: bool) -> None:
        super().__init__(text)
        self.busy = busy


def far_behind(workspace) -> bool:
    """Whether bringing the index up to date means indexing at least FROM papers (one SQLite read);
    anything unexpected says no: the thread does it as before."""
    try:
        return workspace.index.behind() >= FROM
    except Exception:  # noqa: BLE001
        return False


def run(data_dir, mode: str, progress: Callable[..., None], closing: Callable[[], bool]) -> str | None:
    """In a worker thread: the build in its process, its progress relayed; its notice, or Failed / Stopped."""
    args = [sys.executable, "-m", "paperreader.tui.index_process", str(data_dir), mode]
    with tempfile.TemporaryFile("w+b") as errors:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, start_new_session=True)
        try:
            ended = _relay(proc, progress, closing)
        except BaseException:
            _end(proc)
            raise
        code = proc.wait()
        if ended is None:
            errors.seek(0)
            last = [ln for ln in errors.read().decode("utf-8", "replace").splitlines() if ln.strip()][-1:]
            raise Failed(f"the index build stopped (exit {code}){': ' + last[0] if last else ''}", False)
    if "failed" in ended:
        raise Failed(ended["failed"], bool(ended.get("busy")))
    return ended.get("done")


def _relay(proc, progress, closing) -> dict | None:
    """Lines in as they come, with a look at `closing` every 0.1 s (a build can be silent for seconds)."""
    from paperreader.search.rebuild import stages

    tell = stages(progress)  # (a (done, total) callback gets the counts)
    buffer, fd = b"", proc.stdout.fileno()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            if closing():
                raise Stopped
            if not sel.select(0.1):
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                try:
                    said = json.loads(line)
                except ValueError:
                    continue
                if "progress" in said:
                    tell(*said["progress"])
                else:
                    return said


def _end(proc) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # KeyboardInterrupt: Whoosh's writer cleans up after itself
        try:
            proc.wait(2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _say(**message) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    from paperreader.paths import resolve
    from paperreader.search.validate import IndexBusy
    from paperreader.workspace import Workspace

    import signal

    signal.signal(signal.SIGINT, signal.default_int_handler)  # quitting ends us with SIGINT, even where it was ignored (nohup)
    data_dir, _mode = argv  # "ensure" (launch) or "catch-up" (another process's changes): one job in a new process
    workspace = Workspace(resolve(data_dir))  # no seeding, purge or backup: the reader did those
    try:
        def progress(done: int, total: int, stage: str) -> None:
            _say(progress=[done, total, stage])

        notice = workspace.ensure_index(progress)  # opens, then builds or catches up (catch_up on an unopened index would not report)
    except IndexBusy as exc:
        _say(failed=str(exc), busy=True)
    except Exception as exc:  # noqa: BLE001 (one line for the reader)
        _say(failed=str(exc) or type(exc).__name__, busy=False)
    else:
        _say(done=notice)
    finally:
        workspace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
