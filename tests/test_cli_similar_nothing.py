"""`similar ID` of a paper sharing no word with any other: a line says nothing similar was found (before,
the `papers like:` header alone, which reads as a cut-off output); --json gives an empty list; exit 0."""

from __future__ import annotations

ODD = """@article{odd1,
  title = {Zqxvor Wrplkent},
  author = {Qwzx Vorpl},
  year = {2024},
  abstract = {Blorfimat glimzorp frazzleblat.}
}
"""


def test_similar_of_a_paper_sharing_no_word(cli, tmp_path):
    bib = tmp_path / "odd.bib"
    bib.write_text(ODD, encoding="utf-8")
    assert cli("import", str(bib)).code == 0
    pid = cli("search", "zqxvor", "--json").json["results"][0]["id"]

    text = cli("similar", pid)
    assert text.code == 0 and text.err == ""
    assert text.out.splitlines() == ["papers like: Zqxvor Wrplkent",
                                     "nothing similar found: no other paper shares this one's distinctive words"]  # fmt: skip
    as_json = cli("similar", pid, "--json")
    assert as_json.code == 0 and as_json.json == {"id": pid, "total": 0, "results": []}


def test_similar_with_matches_has_no_such_line(cli):
    pid = cli("search", "mamba", "--json").json["results"][0]["id"]
    out = cli("similar", pid, "--limit", "3").out
    assert "nothing similar" not in out and len(out.splitlines()) > 3
