"""Invisible characters in titles pasted from PDFs and web pages: a soft hyphen (U+00AD, where a
PDF broke 'Trans-formers'), a zero-width space (U+200B), a word joiner (U+2060), a stray byte order
mark (U+FEFF). They were kept: 'Trans\\u00adformers for graphs' was another paper than 'Transformers
for graphs' (another title id: both imported), and the words 'trans' + 'formers' in the index, so a
search for 'transformers' missed it. They are removed on the way in, as controls are."""

from __future__ import annotations

import json

from paperreader.text import clean_block, clean_line, normalise_title

PASTED = "Trans\u00adformers\u200b for\u2060 graphs\ufeff"


def test_invisible_characters_are_removed_from_lines_and_notes():
    assert clean_line(PASTED) == "Transformers for graphs"
    assert clean_line("\ufeffMamba") == "Mamba"
    assert clean_block("a note on trans\u00adformers\n\u200bsecond line") == "a note on transformers\nsecond line"
    assert normalise_title(clean_line(PASTED)) == normalise_title("Transformers for graphs")


def test_joiners_that_change_how_a_script_reads_are_kept():
    persian = "می\u200cخواهم"  # a zero-width non-joiner is spelling in Persian
    family = "👩\u200d👩\u200d👧"  # a zero-width joiner makes one emoji
    assert clean_line(persian) == persian and clean_line(family) == family


def test_a_pasted_title_is_the_same_paper_and_found_by_its_words(cli, tmp_path):
    path = tmp_path / "pasted.json"
    path.write_text(json.dumps([{"title": "Transformers for graphs", "abstract": "a"}, {"title": PASTED, "abstract": "b"}]))
    assert cli("import", str(path)).code == 0
    listed = json.loads(cli("list", "--json").out)
    assert listed["total"] == 201 + 1  # the built-in corpus and one paper, not two
    found = json.loads(cli("search", "--json", 'title:"transformers for graphs"').out)
    assert [r["title"] for r in found["results"]] == ["Transformers for graphs"], found  # one paper, found by its words
