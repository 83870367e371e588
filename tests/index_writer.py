"""Another process holding the search index's writer (Whoosh's write lock), for tests of what the
CLI and the engine do meanwhile: a real process, as the reader's catch-up or an import would be."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def writer_held(index_dir: Path):
    """The writer taken by another process until the block ends (then cancelled: nothing written)."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(
        f"""
        import sys
        from whoosh import index
        w = index.open_dir({str(index_dir)!r}).writer()
        print("locked", flush=True)
        sys.stdin.read()
        w.cancel()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
