"""Real processes on one data dir: a reader (opened as the TUI opens it, with its daily backup),
CLI commands as subprocesses, a second reader, then kill -9 and a third process that checks.

What these runs guard: SQLite's locks are POSIX per-process locks, and closing any descriptor of
the store drops every lock the process holds on it. If a process holding a connection ever opened
and closed the store's files another way, the next process to close its connection would believe
it was the last one and delete the WAL under the reader: the reader's saves would vanish.

- every save a process reported is in the store after the kill, and `integrity_check` is ok;
- the reader's `-wal`/`-shm` are never deleted under it (`/proc/PID/fd` shows no "(deleted)");
- with two readers, quitting one leaves the other's changes reaching everyone;
- no code path opens the store's files outside SQLite once a connection exists (an audit hook
  records every `open` of `library.sqlite3*` in a process running the reader's and CLI's flows).
"""

from __future__ import annotations

import json
import os
import random
import re
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.workspace import Workspace

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to look at a process's files")

PAPERS = 12

# A reader as the TUI runs one: the app's Opening thread opens the workspace (no backup), the
# startup screen makes the daily backup, then the user stars, notes and tags. Commands come on
# stdin; each save is printed after the store returned ("reported saved").
READER = textwrap.dedent(
    """
    import os, sys
    from paperreader.paths import resolve
    from paperreader.tui.opening import Opening

    opening = Opening(resolve(sys.argv[1])).start()
    opening.wait()
    assert opening.error is None, opening.error
    ws = opening.workspace
    notice = ws.auto_backup()
    print("ready", os.getpid(), notice or "", flush=True)
    for line in sys.stdin:
        cmd, *rest = line.split()
        if cmd == "star":
            ws.library.set_star(rest[0], True)
        elif cmd == "note":
            ws.library.set_note(rest[0], rest[1])
        elif cmd == "tag":
            ws.library.add_tags(rest[0], [rest[1]])
        elif cmd == "loop":  # write without waiting, each save reported, until killed
            ids = sorted(ws.library.list_ids())  # as the test numbers them
            for n in range(int(rest[0])):
                pid = ids[n % len(ids)]
                kind = ("star", "note", "tag")[n % 3]
                value = f"loop{n}x"
                if kind == "star":
                    ws.library.set_star(pid, True)
                elif kind == "note":
                    ws.library.set_note(pid, value)
                else:
                    ws.library.add_tags(pid, [value])
                print("saved", kind, pid, value, flush=True)
            continue
        elif cmd == "quit":
            ws.close()
            print("bye", flush=True)
            break
        print("saved", line.strip(), flush=True)
    """
)

# The third process: what the store holds now, and SQLite's full check.
CHECKER = textwrap.dedent(
    """
    import json, sys
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    ws = Workspace.open(resolve(sys.argv[1]), seed=False, backup=False)
    records = ws.library.get_many(ws.library.list_ids())
    print(json.dumps({
        "integrity": ws.library.integrity_check(),
        "stars": sorted(r.id for r in records.values() if r.starred),
        "notes": {r.id: r.note for r in records.values() if r.note},
        "tags": {r.id: list(r.tags) for r in records.values() if r.tags},
    }))
    ws.close()
    """
)


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PAPERREADER_CONFIG_DIR": str(tmp_path / "config"), "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture
def shared(tmp_path) -> tuple[Path, list[str]]:
    """A data dir with a few papers and no backup yet (the reader makes the day's first one)."""
    data_dir = tmp_path / "data"
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ws.library.upsert([Paper(title=f"Cross process paper {i}", abstract=f"shared words item{i}") for i in range(PAPERS)])
    ids = sorted(ws.library.list_ids())
    ws.close()
    return data_dir, ids


class Reader:
    def __init__(self, tmp_path: Path, data_dir: Path) -> None:
        script = tmp_path / "reader.py"
        script.write_text(READER)
        self.proc = subprocess.Popen(
            [sys.executable, str(script), str(data_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
            env=_env(tmp_path),
        )
        first = self.expect("ready")
        self.pid = int(first.split()[1])
        self.notice = first.split(" ", 2)[2] if first.count(" ") >= 2 else ""

    def expect(self, prefix: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 1)
            if ready:
                line = self.proc.stdout.readline()
                if not line:
                    break
                if line.startswith(prefix):
                    return line.rstrip("\n")
        self.proc.kill()
        raise AssertionError(f"the reader never said {prefix!r}: {self.proc.stderr.read()[-2000:]}")

    def save(self, line: str) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.expect("saved")

    def quit(self) -> None:
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.expect("bye")
        assert self.proc.wait(timeout=60) == 0

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.proc.stdin.close()

    def kill_and_read(self) -> None:
        """kill -9, then keep what it printed before dying (`rest`: its saves reported since)."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)
        self.rest = self.proc.stdout.read().splitlines()
        for stream in (self.proc.stdout, self.proc.stderr, self.proc.stdin):
            try:
                stream.close()
            except OSError:
                pass


def deleted_store_files(pid: int) -> list[str]:
    """The store files process `pid` holds open that are no longer in the directory."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if "library.sqlite3" in target and target.endswith("(deleted)"):
            found.append(target)
    return found


def paperreader(tmp_path: Path, data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), *args],
        input=stdin, capture_output=True, text=True, env=_env(tmp_path), timeout=120,
    )


def check_store(tmp_path: Path, data_dir: Path) -> dict:
    script = tmp_path / "checker.py"
    script.write_text(CHECKER)
    done = subprocess.run([sys.executable, str(script), str(data_dir)], capture_output=True, text=True, env=_env(tmp_path), timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class Expected:
    """Every save some process reported, to be found in the store by the third process."""

    def __init__(self) -> None:
        self.stars: set[str] = set()
        self.notes: dict[str, str] = {}
        self.tags: dict[str, set[str]] = {}

    def add(self, kind: str, pid: str, value: str = "") -> None:
        if kind == "star":
            self.stars.add(pid)
        elif kind == "note":
            self.notes[pid] = value
        else:
            self.tags.setdefault(pid, set()).add(value)

    def assert_in(self, found: dict) -> None:
        assert found["integrity"] == ["ok"]
        assert self.stars <= set(found["stars"]), sorted(self.stars - set(found["stars"]))
        for pid, body in self.notes.items():
            assert found["notes"].get(pid) == body, (pid, body, found["notes"].get(pid))
        for pid, tags in self.tags.items():
            assert tags <= set(found["tags"].get(pid, ())), (pid, tags, found["tags"].get(pid))


def reader_save(reader: Reader, expected: Expected, kind: str, pid: str, value: str = "") -> None:
    reader.save(f"{kind} {pid} {value}".strip())
    expected.add(kind, pid, value)


def cli_save(tmp_path: Path, data_dir: Path, expected: Expected, kind: str, pid: str, value: str = "") -> None:
    args = {"star": ["star", pid], "note": ["note", pid, "--set", value], "tag": ["tag", pid, value]}[kind]
    done = paperreader(tmp_path, data_dir, *args)
    assert done.returncode == 0, done.stderr
    expected.add(kind, pid, value)


def test_reader_with_daily_backup_and_cli_then_kill(tmp_path, shared):
    """The issue's case 1: reader + daily backup + `show`, then saves from both, then kill -9."""
    data_dir, ids = shared
    expected = Expected()
    reader = Reader(tmp_path, data_dir)
    try:
        assert list((data_dir / "backups").glob("library-auto-*.sqlite3")), "the reader made no daily backup"
        for round_ in range(3):
            reader_save(reader, expected, "star", ids[round_])
            reader_save(reader, expected, "note", ids[round_ + 3], f"reader-note-{round_}")
            reader_save(reader, expected, "tag", ids[round_ + 6], f"readertag{round_}")
            shown = paperreader(tmp_path, data_dir, "show", ids[round_ + 3], "--json")  # a read-only command
            assert shown.returncode == 0, shown.stderr
            assert json.loads(shown.stdout)["note"] == f"reader-note-{round_}"  # the reader's save reached it
            assert deleted_store_files(reader.pid) == []
            cli_save(tmp_path, data_dir, expected, "star", ids[9 + round_])
            cli_save(tmp_path, data_dir, expected, "note", ids[(round_ + 1) % PAPERS], f"cli-note-{round_}")
            cli_save(tmp_path, data_dir, expected, "tag", ids[round_ + 6], f"clitag{round_}")
            assert deleted_store_files(reader.pid) == []
        reader_save(reader, expected, "note", ids[11], "the-last-reader-note")
        assert deleted_store_files(reader.pid) == []
    finally:
        reader.kill()
    expected.assert_in(check_store(tmp_path, data_dir))


def test_two_readers_quitting_one_keeps_the_other_reaching_everyone(tmp_path, shared):
    """Start A (it makes the daily backup), start B, quit B: A's saves still reach the CLI and survive a kill."""
    data_dir, ids = shared
    expected = Expected()
    a = Reader(tmp_path, data_dir)
    try:
        reader_save(a, expected, "star", ids[0])
        b = Reader(tmp_path, data_dir)
        reader_save(b, expected, "note", ids[1], "from-b")
        b.quit()
        assert deleted_store_files(a.pid) == []
        reader_save(a, expected, "note", ids[2], "from-a-after-b-quit")
        reader_save(a, expected, "tag", ids[3], "atag")
        shown = paperreader(tmp_path, data_dir, "show", ids[2], "--json")
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["note"] == "from-a-after-b-quit"
        cli_save(tmp_path, data_dir, expected, "tag", ids[3], "clitag")
        reader_save(a, expected, "star", ids[4])
        assert deleted_store_files(a.pid) == []
    finally:
        a.kill()
    expected.assert_in(check_store(tmp_path, data_dir))


# Runs the reader's flow and the CLI's commands in ONE process that holds the reader's connection
# the whole time, under an audit hook that records every open of the store's files and every
# SQLite connect. Anything opened outside SQLite after the first connect is printed.
AUDITED = textwrap.dedent(
    """
    import json, os, sys

    store_names = {"library.sqlite3", "library.sqlite3-wal", "library.sqlite3-shm", "library.sqlite3-journal"}
    state = {"connected": False, "raw": []}

    def hook(event, args):
        if event == "sqlite3.connect":
            state["connected"] = True
        elif event == "open" and state["connected"]:
            path = args[0]
            if isinstance(path, (str, bytes, os.PathLike)):
                name = os.path.basename(os.fsdecode(path))
                if name in store_names:
                    import traceback
                    state["raw"].append([os.fsdecode(path), "".join(traceback.format_stack(limit=6)[:-1])])

    sys.addaudithook(hook)

    from paperreader.cli import main
    from paperreader.paths import resolve
    from paperreader.tui.opening import Opening

    data_dir = sys.argv[1]
    opening = Opening(resolve(data_dir)).start()
    opening.wait()
    ws = opening.workspace
    ws.auto_backup()
    pid = ws.library.list_ids()[0]
    ws.library.set_star(pid, True)
    ws.library.set_note(pid, "audited note")
    ws.library.add_tags(pid, ["audited"])
    ws.library.save_draft(pid, "a draft")
    ws.ensure_index()
    ws.engine.search("shared")
    out = os.path.join(os.path.dirname(data_dir), "export.json")
    for argv in (["show", pid], ["stats"], ["list", "--starred"], ["search", "shared"], ["star", pid],
                 ["note", pid, "--set", "from the cli"], ["tag", pid, "clitag"], ["untag", pid, "clitag"],
                 ["backup"], ["check"], ["index"], ["export", "-o", out], ["similar", pid],
                 ["export", "--format", "json", "-o", out + ".backup.json"], ["import", out + ".backup.json"],
                 ["index", "--rebuild"]):
        code = main(["--data-dir", data_dir, *argv])
        assert code == 0, (argv, code)
    backups = sorted(f for f in os.listdir(os.path.join(data_dir, "backups")) if f.endswith(".sqlite3"))
    assert main(["--data-dir", data_dir, "restore", os.path.join(data_dir, "backups", backups[0])]) == 0
    ws.library.set_star(pid, False)
    ws.close()
    print("RAW-OPENS " + json.dumps(state["raw"]))
    """
)


def test_no_code_path_opens_the_store_outside_sqlite_while_connected(tmp_path, shared):
    """The root of case 1: once a process has a connection, the store's files are opened only by SQLite."""
    data_dir, _ = shared
    script = tmp_path / "audited.py"
    script.write_text(AUDITED)
    done = subprocess.run([sys.executable, str(script), str(data_dir)], capture_output=True, text=True, env=_env(tmp_path), timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    line = [x for x in done.stdout.splitlines() if x.startswith("RAW-OPENS ")][-1]
    raw = json.loads(line.removeprefix("RAW-OPENS "))
    assert raw == [], "\n\n".join(f"{path} opened at:\n{stack}" for path, stack in raw)


@pytest.fixture(scope="module")
def rng():
    seed = int(os.environ.get("PAPERREADER_CRASH_SEED") or random.SystemRandom().randrange(1 << 30))
    print(f"cross-process crash seed: PAPERREADER_CRASH_SEED={seed}")
    return random.Random(seed)


def test_reader_killed_at_random_while_the_cli_writes(tmp_path, shared, rng):
    """Three rounds: a fresh daily backup made by the reader, the reader writing as fast as it can,
    CLI commands writing and reading meanwhile, kill -9 at a random moment; every save either side
    reported is there, the store checks out, and the reader's WAL was never deleted under it.
    (The reader's loop writes notes only on papers 1, 4, 7, 10; the CLI's notes go to the others,
    so the last note reported on a paper is the one it must hold.)"""
    data_dir, ids = shared
    expected = Expected()
    cli_note_papers = [pid for i, pid in enumerate(ids) if i % 3 != 1]
    for round_ in range(3):
        for old in (data_dir / "backups").glob("library-auto-*.sqlite3"):
            old.unlink()  # so this round's reader makes the day's backup again
        reader = Reader(tmp_path, data_dir)
        try:
            assert list((data_dir / "backups").glob("library-auto-*.sqlite3"))
            reader.proc.stdin.write("loop 100000\n")
            reader.proc.stdin.flush()
            for n in range(rng.randint(2, 5)):
                kind = rng.choice(["star", "note", "tag"])
                pid = rng.choice(cli_note_papers if kind == "note" else ids)
                cli_save(tmp_path, data_dir, expected, kind, pid, f"cli{round_}n{n}x")
                shown = paperreader(tmp_path, data_dir, "show", pid, "--json")
                assert shown.returncode == 0, shown.stderr
                assert deleted_store_files(reader.pid) == []
            time.sleep(rng.random() / 2)  # the kill lands anywhere in the reader's loop
            assert deleted_store_files(reader.pid) == []
        finally:
            reader.kill_and_read()
        # whole lines only: a kill during the print cuts the last one (that save counts as unreported)
        reported = [line.split()[1:] for line in reader.rest if re.fullmatch(r"saved (star|note|tag) \S+ loop\d+x", line)]
        assert reported, ("the reader saved nothing before the kill", reader.rest[-3:])
        last = int(reported[-1][2][4:-1])
        in_flight = {f"loop{last + 1}x", f"loop{last + 2}x"}  # running at the kill (or its report cut): landed or not
        reader_notes = {}
        for kind, pid, value in reported:
            if kind == "note":
                reader_notes[pid] = value
            else:
                expected.add(kind, pid, value)
        found = check_store(tmp_path, data_dir)
        for pid, value in reader_notes.items():
            assert found["notes"].get(pid) in {value, *in_flight}, (pid, value, found["notes"].get(pid))
        expected.assert_in(found)


# The real TUI (pilot) under the same audit hook: launch, the daily backup after the first paint,
# a star, a search, quit. Nothing may open library.sqlite3* outside SQLite once connected.
AUDITED_TUI = textwrap.dedent(
    """
    import asyncio, json, os, sys

    store_names = {"library.sqlite3", "library.sqlite3-wal", "library.sqlite3-shm", "library.sqlite3-journal"}
    state = {"connected": False, "raw": []}

    def hook(event, args):
        if event == "sqlite3.connect":
            state["connected"] = True
        elif event == "open" and state["connected"]:
            path = args[0]
            if isinstance(path, (str, bytes, os.PathLike)) and os.path.basename(os.fsdecode(path)) in store_names:
                import traceback
                state["raw"].append([os.fsdecode(path), "".join(traceback.format_stack(limit=8)[:-1])])

    sys.addaudithook(hook)
    sys.path.insert(0, sys.argv[2])
    from tui_helpers import ready, settle
    from paperreader.tui.app import PaperReaderApp

    async def main():
        app = PaperReaderApp(data_dir=sys.argv[1], system_copy=None, environ={})
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            for _ in range(100):
                if any(f.startswith("library-auto-") for f in os.listdir(os.path.join(sys.argv[1], "backups"))
                       if os.path.isdir(os.path.join(sys.argv[1], "backups"))):
                    break
                await settle(app, pilot, 1)
            await pilot.press("s")
            await settle(app, pilot)
            await pilot.press("slash")
            app.screen.search_box.value = "shared"
            await settle(app, pilot)
            await pilot.press("escape")
            await settle(app, pilot)
        print("RAW-OPENS " + json.dumps(state["raw"]))

    asyncio.run(main())
    """
)


def test_the_tui_never_opens_the_store_outside_sqlite(tmp_path, shared):
    data_dir, _ = shared
    script = tmp_path / "audited_tui.py"
    script.write_text(AUDITED_TUI)
    helpers = Path(__file__).parent / "tui"
    done = subprocess.run([sys.executable, str(script), str(data_dir), str(helpers)], capture_output=True, text=True,
                          env=_env(tmp_path), timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert list((data_dir / "backups").glob("library-auto-*.sqlite3")), "the TUI made no daily backup"
    raw = json.loads([x for x in done.stdout.splitlines() if x.startswith("RAW-OPENS ")][-1].removeprefix("RAW-OPENS "))
    assert raw == [], "\n\n".join(f"{path} opened at:\n{stack}" for path, stack in raw)
    assert check_store(tmp_path, data_dir)["stars"], "the star pressed in the TUI was not saved"
