"""The digest's Markdown links read as links when the paper's address holds parentheses (DOIs often
do: 10.1016/S0140-6736(20)30183-5). The digest escaped only ')', which left an unbalanced '(' in the
link destination: CommonMark then reads the whole item as text. `export`'s Markdown escaped both;
now both go through one helper. Checked with a real CommonMark parser (markdown-it-py, Textual's)."""

from __future__ import annotations

import json

from markdown_it import MarkdownIt

DOI = "10.1016/S0140-6736(20)30183-5"


def test_a_digest_link_with_parentheses_is_a_link(cli, tmp_path):
    source = tmp_path / "papers.json"
    source.write_text(json.dumps([{"title": "Clinical features of patients infected with a novel coronavirus",
                                   "abstract": "A cohort study of zebrafinch patients.", "authors": ["C Huang"],
                                   "year": 2020, "doi": DOI}]), encoding="utf-8")  # fmt: skip
    assert cli("import", str(source)).code == 0
    assert cli("saved", "add", "clinic", "zebrafinch").code == 0
    digest = cli("digest", "--since", "2000-01-01")
    assert digest.code == 0, digest.err
    html = MarkdownIt("commonmark").render(digest.out)
    assert '<a href="https://doi.org/10.1016/S0140-6736%2820%2930183-5">Clinical features' in html, digest.out
    exported = MarkdownIt("commonmark").render(cli("export", "--query", "zebrafinch").out)
    assert 'href="https://doi.org/10.1016/S0140-6736%2820%2930183-5"' in exported  # the same address as export's
