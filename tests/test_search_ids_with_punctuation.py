"""An id copied out of a sentence or a reference list brings its punctuation (engineer Q's find):
`(0704.0001).`, `[0704.0001]`, `arXiv:0704.0001.`, a link with a final '.', a pasted list whose last id
ends the sentence. The search (and every CLI id argument) reads the id without it."""

from __future__ import annotations

import pytest

from conftest import FIXTURES

OAI = FIXTURES / "arxiv-oai/kaggle_oai_snapshot_first100.jsonl"


@pytest.fixture
def with_oai(cli):
    if not OAI.is_file():
        pytest.skip(f"shared fixture not found at {OAI}")
    assert cli("import", str(OAI)).code == 0
    return cli


@pytest.mark.parametrize("text", ["0704.0001.", "(0704.0001)", "[0704.0001]", "0704.0001,", "(0704.0001).",
                                  "arXiv:0704.0001.", "https://arxiv.org/abs/0704.0001.", "\u201c0704.0001\u201d",
                                  "(https://arxiv.org/abs/0704.0001)."])
def test_an_id_with_the_punctuation_around_it(with_oai, text):
    out = with_oai("search", text, "--json")
    assert out.code == 0 and [r["id"] for r in out.json["results"]] == ["arxiv:0704.0001"], text
    assert with_oai("show", text, "--json").json["id"] == "arxiv:0704.0001"


def test_a_pasted_list_ending_a_sentence(with_oai):
    out = with_oai("search", "arXiv:0704.0002, arXiv:0704.0001.", "--json")
    assert [r["id"] for r in out.json["results"]] == ["arxiv:0704.0002", "arxiv:0704.0001"]
    text = with_oai("search", "(arXiv:0704.0001; 9999.99999).")
    assert "1 of the 2 ids found" in text.out + text.err


def test_words_in_brackets_stay_words(with_oai):
    total = with_oai("search", "spin", "--json").json["total"]
    assert total > 0 and with_oai("search", "(spin)", "--json").json["total"] == total
