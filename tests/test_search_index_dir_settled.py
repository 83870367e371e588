"""The searcher skips listing the index dir while the dir's stat is unchanged (search/index.py,
`_dir_settled`): a commit by another writer after such a look must still be seen by the next search."""

from __future__ import annotations

import time

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.search import index as search_index
from paperreader.search.codec import PRCodec
from paperreader.search.schema import document_for
from paperreader.search.whoosh import whoosh_index
from paperreader.workspace import Workspace


SETTLED_NS = 200_000_000  # (the clock's tick is milliseconds; the reader's 2 s would make the tests slow)


def test_a_commit_after_a_trusted_look_at_the_dir_is_seen(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "DIR_SETTLED_NS", SETTLED_NS)
    ws = Workspace.open(resolve(tmp_path / "data"), seed=False, backup=False)
    ws.library.upsert([Paper(title="First paper", abstract="alpha text"), Paper(title="Second paper", abstract="beta text")])
    ws.ensure_index()
    index = ws.index
    time.sleep(0.3)  # the dir's last change is older than SETTLED_NS: its stat is trusted from the next look
    with index.lock:
        before = index.searcher()
        assert index.searcher() is before  # nothing changed: the same searcher (now from the dir's stat)
        assert index.searcher() is before
        count = before.doc_count()
    # another writer (as another process would) commits a document: no stamp, only a new table of contents
    record = ws.library.get_many(ws.library.list_ids())
    other = whoosh_index().open_dir(str(index.dir))
    writer = other.writer(codec=PRCodec())
    doc = document_for(next(iter(record.values())))
    doc["id"] = "another-paper"
    writer.add_document(**doc)
    writer.commit()
    other.close()
    with index.lock:
        after = index.searcher()
        assert after is not before
        assert after.doc_count() == count + 1
        assert index.searcher() is after
    ws.close()


def test_a_rebuilt_dir_swapped_in_is_seen(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "DIR_SETTLED_NS", SETTLED_NS)
    ws = Workspace.open(resolve(tmp_path / "data"), seed=False, backup=False)
    ws.library.upsert([Paper(title="First paper", abstract="alpha text")])
    ws.ensure_index()
    time.sleep(0.3)
    assert ws.engine.search("alpha").total == 1
    assert ws.engine.search("alpha").total == 1
    other = Workspace.open(resolve(tmp_path / "data"), seed=False, backup=False)
    other.library.upsert([Paper(title="Third paper", abstract="alpha gamma")])
    other.index.rebuild()  # another dir swapped in (another inode), its stamp a new build
    other.close()
    assert ws.engine.search("alpha").total == 2
    assert ws.engine.search("gamma").total == 1
    ws.close()
