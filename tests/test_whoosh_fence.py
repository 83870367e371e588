"""The Whoosh fence (`paperreader/search/whoosh/internals.py`) holds: the Whoosh version is the
one its private names were read from, each name it lists still exists on a live object of a real
index, it uses exactly the names it lists, no other module of paperreader uses a Whoosh private
name or patches Whoosh, and its one patch gives the values of the method it replaces."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
import whoosh
from whoosh.analysis import RegexTokenizer, StemFilter, StemmingAnalyzer
from whoosh.codec import whoosh3

from paperreader.search.codec import PRCodec
from paperreader.search.fast import FastSearch
from paperreader.search.validate import IndexDamaged
from paperreader.search.whoosh import internals

PACKAGE = Path(__file__).resolve().parents[1] / "paperreader"
FENCE = PACKAGE / "search" / "whoosh" / "internals.py"
WHOOSH_SOURCE = Path(whoosh.__file__).parent

# Objects of paperreader's own whose `_names` Whoosh happens to use too (`_deleted`, `_expand`...),
# by the receiver's source text (partial.py, completion.py, engine.py call FastSearch's own
# methods): anything else reaching a Whoosh private name is reported.
OWN_RECEIVERS = {
    "fs": "paperreader's FastSearch",
    "fast": "paperreader's FastSearch",
    "self.index.fast_search()": "paperreader's FastSearch",
}


def test_whoosh_is_the_version_the_fence_was_read_from():
    assert whoosh.__version__ == internals.WHOOSH_VERSION
    assert whoosh.versionstring() == "2.7.4"


# -- each listed name exists -----------------------------------------------------------------------
def _resolve(dotted: str):
    """A module, or a class inside one (nested classes too: whoosh.columns.NumericColumn.Reader)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


def _changed_index(workspace):
    """The built-in corpus's index with a second segment (a caught-up change: Whoosh's own writer,
    through our codec and the patched length reader) and deletions in the first."""
    ids = sorted(workspace.library.list_ids())
    workspace.library.set_note(ids[3], "the wombat note, years in the making")
    workspace.library.add_tags(ids[4], ["toread"])
    workspace.index.catch_up()
    return workspace.index._ix


def _live_objects(ix) -> dict:
    """An object of each kind the fence reaches into, from a real index (through public calls)."""
    reader = ix.reader()
    seg_reader = next(iter(reader.leaf_readers()))[0]
    storage, segment = seg_reader.storage(), seg_reader.segment()
    codec = seg_reader.codec()
    perdoc = codec.per_document_reader(storage, segment)
    terms = codec.terms_reader(storage, segment)
    writer = ix.writer(codec=PRCodec())
    objects = {
        "whoosh.codec.whoosh3": whoosh3,
        "whoosh.reading.SegmentReader": seg_reader,
        "whoosh.codec.whoosh3.W3PerDocReader": perdoc,
        "whoosh.columns.NumericColumn.Reader": perdoc.column_reader("_title_len", whoosh3.LENGTHS_COLUMN),
        "whoosh.columns.PickleColumn.Reader": perdoc.column_reader("_stored", whoosh3.STORED_COLUMN),
        "whoosh.columns.CompressedBytesColumn.Reader": perdoc.column_reader("_stored", whoosh3.STORED_COLUMN)._child,
        "whoosh.codec.whoosh3.W3TermInfo": terms.term_info("title", b"mamba"),
        "whoosh.codec.whoosh3.W3FieldWriter": writer.fieldwriter,
        "whoosh.codec.whoosh3.W3FieldCursor": terms.cursor("title", ix.schema["title"]),
        "whoosh.codec.whoosh3.W3TermsReader": terms,
        "whoosh.writing.SegmentWriter": writer,
        "whoosh.analysis.StemFilter": StemFilter(),
    }
    return objects, (writer, reader, perdoc, terms)


def test_every_listed_private_name_exists_on_a_live_object(workspace):
    objects, (writer, reader, perdoc, terms) = _live_objects(_changed_index(workspace))
    try:
        assert set(objects) == set(internals.PRIVATE_NAMES), "a kind of object the fence lists has no live check"
        missing = []
        for owner, names in internals.PRIVATE_NAMES.items():
            obj, kind = objects[owner], _resolve(owner)
            assert obj is kind or isinstance(obj, kind), f"{owner}: got {type(obj).__name__}"
            missing += [f"{owner}.{name}" for name in names if not hasattr(obj, name)]
        assert not missing, f"Whoosh no longer has {missing}: update search/whoosh/internals.py"
    finally:
        writer.cancel()
        perdoc.close()
        terms.close()
        reader.close()


def _private_names_used(source: str) -> set[str]:
    """Every `x._name` attribute and `from whoosh... import _name` in a module's source."""
    used = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            used.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            used.update(a.name for a in node.names if a.name.startswith("_"))
        elif _named_attribute(node):
            used.add(node.args[1].value)
    return used


def _named_attribute(node) -> bool:
    """getattr/hasattr/setattr(x, "_name", ...): an attribute use by its name as a string."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr", "setattr") and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
            and node.args[1].value.startswith("_") and not node.args[1].value.startswith("__"))


def test_the_fence_uses_exactly_the_names_it_lists():
    listed = {name for names in internals.PRIVATE_NAMES.values() for name in names}
    used = _private_names_used(FENCE.read_text(encoding="utf-8"))
    assert used - listed == set(), "used in the fence but not listed in PRIVATE_NAMES"
    assert listed - used == set(), "listed in PRIVATE_NAMES but no longer used"


# -- nothing outside the fence ------------------------------------------------------------------------
def _whoosh_private_vocabulary() -> set[str]:
    """Every `_name` Whoosh defines or reads as an attribute."""
    vocabulary = set()
    for path in WHOOSH_SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8", errors="replace")
        vocabulary.update(re.findall(r"\.(_[a-z]\w*)", text))
        vocabulary.update(re.findall(r"\bdef (_[a-z]\w*)", text))
        vocabulary.update(re.findall(r"^(_[a-z]\w*)\s*=", text, re.M))
    return vocabulary


WHOOSH_PRIVATE = _whoosh_private_vocabulary()


def _root(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _whoosh_bound_names(tree) -> set[str]:
    """Names a module binds to Whoosh (modules, classes, functions), or to the fence's classes."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.split(".")[0] == "whoosh")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] == "whoosh" or module.startswith("paperreader.search.whoosh"):
                bound.update(a.asname or a.name for a in node.names)
    return bound


def _whoosh_classes(tree, bound: set[str], inherited: set[str]) -> set[str]:
    """Classes of a module that derive from a Whoosh class (directly, through the fence's base
    classes, or through another module's class in `inherited`)."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name not in found:
                roots = [_root(b) for b in node.bases]
                if any(isinstance(r, ast.Name) and (r.id in bound or r.id in found or r.id in inherited) for r in roots):
                    found.add(node.name)
                    changed = True
    return found


def whoosh_private_uses(source: str, name: str, inherited: set[str] = frozenset()) -> list[str]:
    """Where a module's source touches a Whoosh private name or patches Whoosh."""
    tree = ast.parse(source)
    bound = _whoosh_bound_names(tree)
    derived = _whoosh_classes(tree, bound, inherited)
    problems = []

    def visit(node, cls: str | None) -> None:
        if isinstance(node, ast.ClassDef):
            cls = node.name
        if isinstance(node, ast.Import):
            problems.extend(f"{name}:{node.lineno}: imports {a.name}" for a in node.names
                            if a.name.startswith("whoosh") and any(p.startswith("_") and not p.startswith("__")
                                                                   for p in a.name.split(".")))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            parts = node.module.split(".") + [a.name for a in node.names]
            if any(p.startswith("_") and not p.startswith("__") for p in parts):
                problems.append(f"{name}:{node.lineno}: imports a private name of {node.module}")
        elif (isinstance(node, ast.Attribute) and node.attr in WHOOSH_PRIVATE) or (
                _named_attribute(node) and node.args[1].value in WHOOSH_PRIVATE):
            receiver = node.value if isinstance(node, ast.Attribute) else node.args[0]
            attr = node.attr if isinstance(node, ast.Attribute) else node.args[1].value
            own = isinstance(receiver, ast.Name) and receiver.id in ("self", "cls")
            if own and cls in derived:
                problems.append(f"{name}:{node.lineno}: {receiver.id}.{attr} in {cls}, a Whoosh subclass")
            elif not own and ast.unparse(receiver) not in OWN_RECEIVERS:
                problems.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                root = _root(target)
                if isinstance(target, ast.Attribute) and isinstance(root, ast.Name) and root.id in bound:
                    problems.append(f"{name}:{node.lineno}: patches {ast.unparse(target)}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"
              and node.args and isinstance(_root(node.args[0]), ast.Name) and _root(node.args[0]).id in bound):
            problems.append(f"{name}:{node.lineno}: patches {ast.unparse(node.args[0])}")
        for child in ast.iter_child_nodes(node):
            visit(child, cls)

    visit(tree, None)
    return problems


def _modules() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py")) if p != FENCE}


def _inherited(modules: dict[Path, str]) -> set[str]:
    """Names of Whoosh-derived classes anywhere in paperreader (a subclass of one is one too)."""
    names: set[str] = set()
    while True:
        found = set(names)
        for source in modules.values():
            tree = ast.parse(source)
            found |= _whoosh_classes(tree, _whoosh_bound_names(tree), names)
        if found == names:
            return names
        names = found


def test_no_whoosh_private_name_outside_the_fence():
    modules = _modules()
    inherited = _inherited(modules)
    problems = []
    for path, source in modules.items():
        problems += whoosh_private_uses(source, str(path.relative_to(PACKAGE.parent)), inherited)
    assert problems == [], "Whoosh's private names belong in search/whoosh/internals.py:\n" + "\n".join(problems)


@pytest.mark.parametrize("line", [
    "        yield sub, offset, sub.reader()._terms.postings(field, btext)",
    "        perdoc = reader._perdoc",
    "        candidates = leaf._btexts(reader)",
    "        perdoc = getattr(reader, '_perdoc', None)",
    "        from whoosh.codec.whoosh3 import _lenfield",
    "        whoosh3.W3PerDocReader.doc_field_length = None",
])
def test_the_check_finds_a_private_name_put_back_into_fast_py(line):
    """The check above is precise enough to catch a reintroduced use in the evaluator."""
    path = PACKAGE / "search" / "fast.py"
    source = path.read_text(encoding="utf-8")
    assert whoosh_private_uses(source, "fast.py") == []
    injected = (source + "\n\nclass Injected:\n    def run(self, sub, reader, leaf, field, btext, offset):\n"
                "        from whoosh.codec import whoosh3\n" + line + "\n")
    ast.parse(injected)
    assert whoosh_private_uses(injected, "fast.py"), line


def test_a_whoosh_subclass_reaching_into_its_parent_is_found():
    source = ("from whoosh.codec import whoosh3\n"
              "class Mine(whoosh3.W3TermsReader):\n"
              "    def f(self):\n        return self._tindex\n"
              "class Own:\n    def f(self):\n        return self._tindex\n")
    assert [p.split(": ")[1] for p in whoosh_private_uses(source, "m")] == ["self._tindex in Mine, a Whoosh subclass"]


# -- the patch ----------------------------------------------------------------------------------------
def test_the_patch_is_installed_when_an_index_is_opened_not_on_import(tmp_path):
    code = (
        "import paperreader.search.codec, paperreader.search.formats, paperreader.search.schema, "
        "paperreader.search.bulk, paperreader.search.fast\n"
        "from paperreader.search.whoosh import internals\n"
        "from whoosh.codec import whoosh3\n"
        "assert whoosh3.W3PerDocReader.doc_field_length is internals.ORIGINAL_DOC_FIELD_LENGTH, 'patched on import'\n"
        "from paperreader.search.index import _whoosh_index\n"
        "_whoosh_index()\n"
        "assert whoosh3.W3PerDocReader.doc_field_length is internals.doc_field_length_in_one_read\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)


def test_patched_doc_field_length_equals_whooshs_own(workspace):
    ix = _changed_index(workspace)
    with ix.reader() as reader:
        leaves = list(reader.leaf_readers())
        assert len(leaves) >= 2
        for seg_reader, _offset in leaves:
            codec, storage, segment = seg_reader.codec(), seg_reader.storage(), seg_reader.segment()
            n = seg_reader.doc_count_all()
            fields = [name for name, f in ix.schema.items() if f.scorable] + ["no_such_field"]
            for field in fields:
                original = codec.per_document_reader(storage, segment)
                patched = codec.per_document_reader(storage, segment)
                try:
                    want = [internals.ORIGINAL_DOC_FIELD_LENGTH(original, d, field) for d in range(n + 1)]
                    got = [internals.doc_field_length_in_one_read(patched, d, field) for d in range(n + 1)]
                    assert got == want, field
                    assert [internals.ORIGINAL_DOC_FIELD_LENGTH(original, d, field, 7) for d in range(2)] == \
                           [internals.doc_field_length_in_one_read(patched, d, field, 7) for d in range(2)]
                    for method in (internals.ORIGINAL_DOC_FIELD_LENGTH, internals.doc_field_length_in_one_read):
                        with pytest.raises(IndexError):
                            method(original if method is internals.ORIGINAL_DOC_FIELD_LENGTH else patched, n + 1,
                                   field)
                finally:
                    original.close()
                    patched.close()
                if field in ix.schema:
                    column = internals.length_column(seg_reader, field)
                    assert [internals.LENGTH_TABLE[b] if b else None for b in column] == want[:n] or column == b""


# -- the other fenced pieces -----------------------------------------------------------------------------
def test_unknown_lengths_raise_instead_of_scoring_every_document_as_empty(workspace):
    ix = workspace.index._ix
    with ix.reader() as reader:
        seg_reader = next(iter(reader.leaf_readers()))[0]
        name = internals.length_file(seg_reader.segment(), "abstract")
    ix.storage.delete_file(name)
    with ix.searcher() as searcher:
        parsed = workspace.engine.parse("mamba")
        with pytest.raises(internals.LengthsUnreadable, match="abstract lengths cannot be read"):
            FastSearch(searcher).run(parsed.whoosh, limit=10)
    assert workspace.index.problem() == f"the search index is damaged ({name} is missing)"
    with pytest.raises(IndexDamaged):  # a search reports it (and marks the index for a rebuild)
        workspace.engine.search("mamba")
    workspace.ensure_index()
    assert workspace.index.problem() is None and workspace.engine.search("mamba").hits


def test_whole_match_finder_is_the_tokenizers_matches():
    expression = RegexTokenizer().expression
    find = internals.whole_match_finder(expression)
    for text in ["The état-of-the-art e.g. U.S.A. naïve 3.5x x_y don't", "a.b.c d", ""]:
        assert find(text) == [m.group() for m in expression.finditer(text)]
    grouped = re.compile(r"(\w)(\w*)")
    assert internals.whole_match_finder(grouped)("ab cd") == ["ab", "cd"]


def test_stem_function_is_the_filters():
    stem = internals.stem_function(next(f for f in StemmingAnalyzer().items if isinstance(f, StemFilter)))
    assert [stem(w) for w in ("networks", "modeling", "selective")] == ["network", "model", "select"]


def test_stored_fields_reader_equals_whooshs_own(workspace):
    """Every document's stored fields through the one-pread reader, on an index of two segments
    with deletions, are what Whoosh's searcher.stored_fields gives."""
    ix = _changed_index(workspace)
    with ix.searcher() as searcher:
        assert len(list(searcher.reader().leaf_readers())) == 2
        read = internals.stored_fields_reader(searcher)
        assert read != searcher.stored_fields  # the fast path, not the fallback
        docnums = range(searcher.reader().doc_count_all())
        assert [read(d) for d in docnums] == [searcher.stored_fields(d) for d in docnums]
        assert all(read(d).get("id") for d in docnums)
