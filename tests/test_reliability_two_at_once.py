"""Two paperreaders on one data dir: no crash, no lost write, each sees the other's changes.
The index's single writer lock is waited for, then reported (IndexBusy); readers are never blocked."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from index_writer import writer_held
from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.search.index import IndexBusy, SearchIndex
from paperreader.workspace import Workspace

PAPERS = 40
ROUNDS = 50


def word(prefix: str, i: int) -> str:
    """A searchable word for change i: letters ending in x, which no stemming rule touches."""
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(97 + r) + letters
    return f"{prefix}q{letters}x"


@pytest.fixture
def data_dir(tmp_path):
    data_dir = tmp_path / "data"
    ws = Workspace.open(resolve(data_dir), seed=False)
    ws.library.upsert([Paper(title=f"Shared paper {i}", abstract=f"common text item{i}") for i in range(PAPERS)])
    ws.ensure_index()
    ws.close()
    return data_dir


WRITER = textwrap.dedent(
    """
    import sys, time
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace
    sys.path.insert(0, {here!r})
    from test_reliability_two_at_once import word, ROUNDS

    me, other, parity = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ws = Workspace.open(resolve({data_dir!r}), seed=False, backup=False)
    ids = sorted(ws.library.list_ids())
    mine = ids[parity::2]
    for i in range(ROUNDS):
        pid = mine[i % len(mine)]
        ws.library.set_note(pid, "note " + word(me, i))
        ws.library.add_tags(ids[0], [f"{{me}}{{i}}"])          # the same paper, from both: no tag lost
        ws.library.toggle_star(ids[1])                          # flips from both: none lost
        if i % 5 == 0:
            hits = ws.engine.search("note:" + word(me, i)).hits  # catches the index up: writer lock contention
            assert [h.id for h in hits] == [pid], (i, [h.id for h in hits])
        print("done", i, pid, flush=True)
    ws.library.set_meta("finished-" + me, "1")
    deadline = time.monotonic() + 60
    while not ws.library.get_meta("finished-" + other):          # the other's changes become visible
        assert time.monotonic() < deadline, "never saw the other process finish"
        time.sleep(0.05)
    theirs = ids[1 - parity::2]
    for i in range(ROUNDS - len(theirs), ROUNDS):                # their last note on each of their papers
        pid = theirs[i % len(theirs)]
        assert ws.library.get(pid).note == "note " + word(other, i)
        assert [h.id for h in ws.engine.search("note:" + word(other, i)).hits] == [pid]
    tags = set(ws.library.get(ids[0]).tags)
    assert {{f"{{other}}{{i}}" for i in range(ROUNDS)}} <= tags
    print("saw", other, flush=True)
    ws.close()
    """
)


def test_two_writers_lose_nothing_and_see_each_other(data_dir, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(here=str(Path(__file__).parent), data_dir=str(data_dir)))
    procs = [
        subprocess.Popen([sys.executable, str(script), me, other, str(parity)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for me, other, parity in (("alpha", "beta", 0), ("beta", "alpha", 1))
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert out.count("done") == ROUNDS and "saw" in out

    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    try:
        assert ws.library.integrity_check() == ["ok"]
        ids = sorted(ws.library.list_ids())
        assert set(ws.library.get(ids[0]).tags) == {f"{who}{i}" for who in ("alpha", "beta") for i in range(ROUNDS)}
        assert ws.library.get(ids[1]).starred is False  # 2 * ROUNDS flips from unstarred: none lost
        ws.ensure_index()
        for me, parity in (("alpha", 0), ("beta", 1)):
            mine = ids[parity::2]
            for i in range(ROUNDS - len(mine), ROUNDS):
                pid = mine[i % len(mine)]
                assert ws.library.get(pid).note == "note " + word(me, i)
                assert [h.id for h in ws.engine.search("note:" + word(me, i)).hits] == [pid]
    finally:
        ws.close()


def test_two_cli_loops_at_once(data_dir, tmp_path):
    """Real `paperreader` processes, two shell loops writing notes and stars at the same time."""
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ids = sorted(ws.library.list_ids())[:8]
    ws.close()
    cmd = [sys.executable, "-m", "paperreader", "--data-dir", str(data_dir)]
    loops = []
    for who, chunk in (("left", ids[:4]), ("right", ids[4:])):
        lines = []
        for n, pid in enumerate(chunk):
            lines.append(" ".join([*map(repr, cmd), "note", repr(pid), "--set", repr(f"{who} {word(who, n)}")]))
            lines.append(" ".join([*map(repr, cmd), "star", repr(pid)]))
            lines.append(" ".join([*map(repr, cmd), "search", repr(word(who, n)), "--json"]))
        script = tmp_path / f"{who}.sh"
        script.write_text("set -e\n" + "\n".join(lines) + "\n")
        loops.append(subprocess.Popen(["sh", str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for loop in loops:
        out, err = loop.communicate(timeout=240)
        assert loop.returncode == 0, err
        found = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        assert len(found) == 4 and all(r["total"] == 1 for r in found)
    run = subprocess.run([*cmd, "list", "--starred", "--json"], capture_output=True, text=True, timeout=60)
    assert sorted(r["id"] for r in json.loads(run.stdout)["results"]) == sorted(ids)
    for who, chunk in (("left", ids[:4]), ("right", ids[4:])):
        for n, pid in enumerate(chunk):
            run = subprocess.run([*cmd, "search", f"note:{word(who, n)}", "--json"], capture_output=True, text=True, timeout=60)
            assert [r["id"] for r in json.loads(run.stdout)["results"]] == [pid]


HOLDER = textwrap.dedent(
    """
    import sys, sqlite3
    from whoosh import index
    ix = index.open_dir({index_dir!r})
    writer = ix.writer()                                   # the single Whoosh writer lock
    db = sqlite3.connect({store!r}, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")                          # and the store's write lock
    print("locked", flush=True)
    sys.stdin.read()                                       # until the test closes our stdin
    writer.cancel()
    db.execute("ROLLBACK")
    """
)


def test_a_held_writer_lock_means_wait_then_a_clear_message_and_readers_carry_on(data_dir, tmp_path):
    paths = resolve(data_dir)
    script = tmp_path / "holder.py"
    script.write_text(HOLDER.format(index_dir=str(paths.index_dir), store=str(paths.store)))
    holder = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        ws = Workspace.open(paths, seed=False, backup=False)
        ws.index.lock_timeout = 0.3
        try:
            ws.ensure_index()  # up to date: nothing to write, so the lock is not needed
            ids = sorted(ws.library.list_ids())
            # readers are not blocked by either lock
            assert ws.library.get(ids[0]).title.startswith("Shared paper")
            assert ws.library.count() == PAPERS
            assert ws.engine.search("common item3").total == 1
            # a write to the store waits for its lock (busy_timeout), then says so
            ws.library.db.read("PRAGMA busy_timeout = 200")
            with pytest.raises(Exception) as caught:
                ws.library.set_note(ids[0], "blocked")
            assert "busy" in str(caught.value) or "locked" in str(caught.value)
            assert str(paths.store) in str(caught.value)
        finally:
            ws.close()
        holder.stdin.write("x")
        holder.stdin.close()
        holder.wait(timeout=30)

        # the store free again, but another process holding only the index writer
        holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(
            f"""
            import sys
            from whoosh import index
            w = index.open_dir({str(paths.index_dir)!r}).writer()
            print("locked", flush=True)
            sys.stdin.read()
            w.cancel()
            """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert holder.stdout.readline().strip() == "locked"
        ws = Workspace.open(paths, seed=False, backup=False)
        ws.index.lock_timeout = 0.3
        try:
            ws.ensure_index()
            pid = sorted(ws.library.list_ids())[0]
            ws.library.set_note(pid, "kangaroo")  # the store takes it at once
            assert ws.library.get(pid).note == "kangaroo"
            with pytest.raises(IndexBusy) as caught:
                ws.index.catch_up()
            assert str(paths.index_dir) in str(caught.value) and "another paperreader" in str(caught.value)
            holder.stdin.close()
            holder.wait(timeout=30)
            assert ws.index.catch_up() == 1  # the lock free: it goes through
            assert [h.id for h in ws.engine.search("kangaroo").hits] == [pid]
        finally:
            ws.close()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_the_cli_answers_beside_a_busy_index_and_says_so(data_dir, cli, monkeypatch):
    """`paperreader search` while another process holds the index writer (past a brief wait): the
    answer from the index as it is, exit 0, saying what it has not taken in (until cb69efc: exit 2,
    'another paperreader is writing the search index'); once the writer is free, it catches up."""
    monkeypatch.setattr(SearchIndex.__init__, "__defaults__", (0.3,))
    paths = resolve(data_dir)
    ws = Workspace.open(paths, seed=False, backup=False)
    first = sorted(ws.library.list_ids())[0]
    ws.library.set_note(first, "platypus")
    ws.close()
    with writer_held(paths.index_dir):
        result = cli("search", "platypus")
        assert result.code == 0 and result.err == ""
        assert "0 matches" in result.out and "the index is catching up: 1 new or changed paper is not in these results yet" in result.out
        assert cli("show", first).code == 0  # reading the store does not need the index
    assert cli("search", "platypus", "--json").json["total"] == 1


CATCHER = textwrap.dedent(
    """
    import sys
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace
    ws = Workspace.open(resolve({data_dir!r}), seed=False, backup=False)
    ids = sorted(ws.library.list_ids())
    for i in range(30):
        ws.library.set_note(ids[i % len(ids)], "note " + sys.argv[1] + "note" + str(i) + "x")
        ws.index.catch_up()                 # each process writes the index, its stamp and vocabulary
    ws.close()
    """
)


def test_three_processes_catching_the_index_up_at_once(data_dir, tmp_path):
    """Several processes catch the index up (and replace its stamp and vocabulary) at once."""
    script = tmp_path / "catcher.py"
    script.write_text(CATCHER.format(data_dir=str(data_dir)))
    procs = [subprocess.Popen([sys.executable, str(script), name], stderr=subprocess.PIPE, text=True) for name in ("a", "b", "c")]
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    try:
        ws.ensure_index()
        assert ws.index.read_stamp()["seq"] == ws.library.change_seq()
        for pid in ws.library.list_ids():
            note = ws.library.get(pid).note
            if note:
                assert [h.id for h in ws.engine.search("note:" + note.split()[1]).hits] == [pid]
        assert not [p.name for p in resolve(data_dir).index_dir.iterdir() if p.name.endswith(".tmp")]
    finally:
        ws.close()


REPLACER = textwrap.dedent(
    """
    import sys
    from collections import Counter
    from pathlib import Path
    from paperreader.search.index import SearchIndex
    from paperreader.search.suggest import Vocabulary
    index_dir = Path({index_dir!r})
    vocabulary = Vocabulary(Counter({{f"word{{i}}": i for i in range(20000)}}))
    index = SearchIndex(index_dir, library=None)
    for i in range(150):
        vocabulary.save(index_dir / "vocabulary.json")
        index._write_stamp(index_dir, i, "build", 0)
    """
)


def test_the_stamp_and_vocabulary_are_replaced_safely_by_several_processes(tmp_path):
    """Each process writes its own temporary file before the rename. With one shared name
    (`vocabulary.tmp`), one process renamed the other's half-written file away and the other
    failed with FileNotFoundError in the middle of a search."""
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    script = tmp_path / "replacer.py"
    script.write_text(REPLACER.format(index_dir=str(index_dir)))
    procs = [subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert len(json.loads((index_dir / "vocabulary.json").read_text())) == 20000
    assert json.loads((index_dir / "paperreader-index.json").read_text())["seq"] == 149
    assert not [p.name for p in index_dir.iterdir() if p.name.endswith(".tmp")]


REBUILDER = textwrap.dedent(
    """
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace
    ws = Workspace.open(resolve({data_dir!r}), seed=False, backup=False)
    for _ in range(6):
        ws.index.rebuild()                  # e.g. the TUI and a CLI both find the index gone
        assert ws.engine.search("common").total == {papers}
    ws.close()
    """
)


def test_two_processes_rebuilding_the_index_at_once(data_dir, tmp_path):
    """Each rebuild builds in its own side dir and swaps it in. A rebuild used to delete every
    `index.building-*` dir, including the one another process was still writing (FileNotFoundError
    in nearly every concurrent rebuild), and a swap failed when the other had just swapped."""
    script = tmp_path / "rebuilder.py"
    script.write_text(REBUILDER.format(data_dir=str(data_dir), papers=PAPERS))
    procs = [subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    try:
        assert ws.ensure_index() is None
        assert ws.engine.search("common").total == PAPERS
    finally:
        ws.close()
    leftovers = [p.name for p in data_dir.iterdir() if p.name.startswith("index") and not p.name.endswith(".lock")]
    assert leftovers == ["index"]
