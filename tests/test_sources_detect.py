"""Format detection and safe file reading: every real fixture, encodings, sizes, and the refusals."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.sources import SourceError, arxiv_atom, bibtex, detect as detect_module, hf
from paperreader.sources.detect import FORMATS, check_sizes, decode, detect, detect_file, parse_file

SHARED = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
EMAIL = Path(__file__).resolve().parent / "fixtures" / "arxiv_email_sample.txt"
PAGEDUMP = Path(__file__).resolve().parents[1] / "paperreader" / "data" / "trending-papers.txt"

EXPECTED = {
    "arxiv-atom/arxivpy_2016_search_au_del_maestro.xml": ("arxiv-atom", 10),
    "arxiv-atom/arxivpy_2026_id_0000.0000_empty.xml": ("arxiv-atom", 0),
    "arxiv-atom/arxivpy_2026_id_astro-ph_0601001.xml": ("arxiv-atom", 1),
    "arxiv-atom/arxivpy_2026_id_quant-ph_0201082v1.xml": ("arxiv-atom", 1),
    "arxiv-atom/arxivpy_2026_search_all_testing_m10.xml": ("arxiv-atom", 10),
    "arxiv-oai/kaggle_oai_snapshot_first100.jsonl": ("arxiv-oai", 100),
    "bibtex/arxiv_export_2026_style_SRPO.bib": ("bibtex", 1),
    "bibtex/semantic_scholar_export_maomaocv_posts.bib": ("bibtex", 20),
    "hf-daily/daily_papers_2025-07-22.json": ("hf", 16),
    "hf-daily/papers_search_q_kazakh.json": ("hf", 9),
}


def shared(rel: str) -> Path:
    path = SHARED / rel
    if not path.is_file():
        pytest.skip(f"shared fixture not found at {path}")
    return path


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_every_shared_fixture_by_content_alone(rel: str, tmp_path: Path) -> None:
    path = shared(rel)
    fmt, count = EXPECTED[rel]
    text = path.read_text(encoding="utf-8")
    assert detect(text) == fmt  # no file name: content decides
    assert detect(text, str(path)) == fmt
    assert detect_file(path) == fmt
    renamed = tmp_path / "download.txt"  # a misleading name changes nothing
    renamed.write_bytes(path.read_bytes())
    assert detect_file(renamed) == fmt
    papers = parse_file(renamed)
    assert len(papers) == count
    assert papers == FORMATS[fmt].parse(text, str(renamed))


def test_the_error_feed_is_refused_through_parse_file() -> None:
    path = shared("arxiv-atom/arxivpy_2026_error_id_abc.xml")
    assert detect_file(path) == "arxiv-atom"
    with pytest.raises(SourceError) as info:
        parse_file(path)
    assert str(info.value) == f"{path}:9: arXiv answered with an error: incorrect id format for abc"


def test_every_shared_fixture_is_covered() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared fixtures not found at {SHARED}")
    found = {str(p.relative_to(SHARED)) for p in SHARED.glob("*/*") if p.is_file()}
    assert found == set(EXPECTED) | {"arxiv-atom/arxivpy_2026_error_id_abc.xml"}


def test_email_sample_and_page_dump() -> None:
    assert detect_file(EMAIL) == "arxiv-email"
    assert len(parse_file(EMAIL)) == 6
    assert detect_file(PAGEDUMP) == "pagedump"
    assert len(parse_file(PAGEDUMP, fmt="pagedump")) > 100


def test_generic_csv_and_json(tmp_path: Path) -> None:
    csv_file = tmp_path / "papers.dat"
    csv_file.write_text("Title,Abstract\nA,b\n", encoding="utf-8")
    assert detect_file(csv_file) == "csv"
    assert [p.title for p in parse_file(csv_file)] == ["A"]
    json_file = tmp_path / "papers"
    json_file.write_text(json.dumps([{"title": "A"}]), encoding="utf-8")
    assert detect_file(json_file) == "json"
    assert parse_file(json_file)[0].source == "json"


def test_extension_breaks_ties() -> None:
    # an OAI line is also valid generic JSON lines: content says both, arxiv-oai is more specific
    line = json.dumps({"id": "2401.00001", "title": "T", "abstract": "A", "versions": []})
    assert detect(line, "x.jsonl") == "arxiv-oai" and detect(line) == "arxiv-oai"
    # a CSV with a row that starts like BibTeX: .csv decides
    text = "title,abstract\n@misc{x,y\n"
    assert detect(text) == "bibtex"
    assert detect(text, "refs.csv") == "csv"


def test_extension_names_a_format_when_content_matches_none(tmp_path: Path) -> None:
    assert detect("garbage", "refs.bib") == "bibtex"
    bad = tmp_path / "refs.bib"
    bad.write_text("garbage\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no BibTeX entries"):
        parse_file(bad)


def test_cannot_tell() -> None:
    with pytest.raises(SourceError) as info:
        detect("just some words\n", "notes.txt")
    assert "cannot tell the format" in info.value.reason and "--format" in info.value.reason
    assert info.value.file == "notes.txt"


def test_forced_format(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('[{"title": "A"}]', encoding="utf-8")
    with pytest.raises(SourceError, match="expected lines like"):
        parse_file(path, fmt="bibtex")
    with pytest.raises(SourceError, match="unknown format"):
        parse_file(path, fmt="word")


def test_bom_and_utf16(tmp_path: Path) -> None:
    text = "@misc{k, title={Caf\\'e}}\n"
    for data in (codecs.BOM_UTF8 + text.encode(), codecs.BOM_UTF16_LE + text.encode("utf-16-le")):
        path = tmp_path / "bom.bib"
        path.write_bytes(data)
        (paper,) = parse_file(path)
        assert paper.title == "Café"


def test_undecodable_byte_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.bib"
    path.write_bytes("@misc{k,\n  title={ok},\n  author={M\u00fcller}}\n".encode("latin-1"))
    with pytest.raises(SourceError) as info:
        parse_file(path)
    assert info.value.line == 3 and "0xfc" in info.value.reason and info.value.file == str(path)
    with pytest.raises(SourceError) as info:
        decode(codecs.BOM_UTF8 + b"a\nb\n\xff", "f")
    assert info.value.line == 3


def test_missing_file() -> None:
    with pytest.raises(SourceError, match="cannot read"):
        parse_file("/nonexistent/papers.bib")


@pytest.mark.parametrize("size, refused", [(5_000_000, False), (10_000_000, True)])
def test_record_size_limit(tmp_path: Path, size: int, refused: bool) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"title": "small"}, {"title": "T", "abstract": "x" * size}]), encoding="utf-8")
    if refused:
        with pytest.raises(SourceError) as info:
            parse_file(path)
        assert "record 2" in info.value.reason and "limit" in info.value.reason and info.value.line == 1
    else:
        assert len(parse_file(path)[1].abstract) == size


@pytest.mark.parametrize("module, make", [
    (bibtex, lambda big: "@misc{k,\n title={T},\n abstract={" + big + "}}\n"),
    (arxiv_atom, lambda big: '<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><id>http://arxiv.org/abs/2401.00001v1</id>'
                             "<title>T</title><summary>" + big + "</summary></entry></feed>"),
])
def test_big_record_in_other_formats(tmp_path: Path, module, make) -> None:
    path = tmp_path / "big"
    path.write_text(make("word " * 2_000_000), encoding="utf-8")  # 10 MB
    with pytest.raises(SourceError, match="limit"):
        parse_file(path)


def test_check_sizes_with_a_small_limit() -> None:
    papers = hf.parse('[{"paper": {"id": "2401.00001", "title": "T", "summary": "0123456789"}}]', "h.json")
    check_sizes(papers, "h.json", limit=100)
    with pytest.raises(SourceError):
        check_sizes(papers, "h.json", limit=5)


def test_formats_have_the_same_interface() -> None:
    assert set(FORMATS) == {"backup", "pagedump", "arxiv-atom", "arxiv-oai", "hf", "bibtex", "arxiv-email", "csv", "json"}
    for module in FORMATS.values():
        assert callable(module.looks_like) and callable(module.parse)
    assert detect_module.ORDER[-2:] == ("csv", "json")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["", "a.txt", "a.json", "a.bib", "a.xml", "a.csv", "a.jsonl", "a"]))
def test_detect_gives_a_format_or_source_error(text: str, filename: str) -> None:
    try:
        fmt = detect(text, filename)
    except SourceError:
        return
    assert fmt in FORMATS
    try:
        assert isinstance(FORMATS[fmt].parse(text, filename), list)
    except SourceError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300) | st.lists(st.sampled_from(["Subscribe", "Trending Papers", "A title", "An abstract.", ""]), max_size=8).map("\n".join))
def test_pagedump_gives_papers_or_source_error(text: str) -> None:
    try:
        assert isinstance(FORMATS["pagedump"].parse(text, "p.txt"), list)
    except SourceError:
        pass
