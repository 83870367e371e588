"""Titles with no letters or digits ('???', '[/]', '—') are still titles: each is its own paper.
Before, every such title normalised to '' and got one id (t:e3b0c44298fc, the hash of nothing), so
importing '—' overwrote the paper '[/]' ('updated 1') with another paper's title and abstract."""

from __future__ import annotations

from paperreader.model import title_id
from paperreader.text import normalise_title


def test_titles_without_words_have_their_own_ids():
    ids = {title_id(t) for t in ("???", "[/]", "—", "...", "[bold]")}
    assert len(ids) == 5
    assert title_id("???") == title_id(" ??? ")  # spacing still does not matter
    assert normalise_title("Attention Is All You Need!") == "attention is all you need"  # titles with words as before


def test_importing_wordless_titles_keeps_every_paper(cli, tmp_path):
    csv = tmp_path / "odd.csv"
    csv.write_text('title,abstract\n"[/]","the first paper"\n"???","the second paper"\n"—","the third paper"\n', encoding="utf-8")
    out = cli("import", str(csv), "--json")
    assert out.code == 0, out.err
    assert out.json["added"] == 3, out.out
    listed = cli("search", "paper", "--json").json
    titles = {r["title"] for r in listed["results"]}
    assert {"[/]", "???", "—"} <= titles
    again = cli("import", str(csv), "--json")  # the same file again changes nothing
    assert again.json["added"] == 0 and again.json["unchanged"] == 3, again.out
