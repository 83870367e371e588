"""BibTeX abstracts and notes carry links as \\url{...} (arXiv's, Zotero's and Google Scholar's
exports, a code link in the abstract). They came out as '\\urlhttp://x.y' (the braces dropped, the
command kept) and a '~' in a link became a space. A link is now its text, as written."""

from __future__ import annotations

from paperreader.sources import bibtex
from paperreader.sources.latex import tex_to_text


def test_a_url_is_its_text():
    assert tex_to_text(r"code at \url{https://github.com/a/b} now") == "code at https://github.com/a/b now"
    assert tex_to_text(r"see \url{http://www.cs.x.edu/~smith/p_1.html}.") == "see http://www.cs.x.edu/~smith/p_1.html."
    assert tex_to_text(r"\url {https://x.y/z}") == "https://x.y/z"
    assert tex_to_text(r"no~tie and {Braces} as before, $\alpha~b$") == r"no tie and Braces as before, $\alpha~b$"


def test_a_bibtex_abstract_with_a_url(tmp_path):
    bib = tmp_path / "u.bib"
    bib.write_text(
        "@misc{k, title={Linked}, abstract={Code: \\url{https://github.com/me/repo~1}. Data: \\url{http://d.org/x}}}\n",
        encoding="utf-8",
    )
    [paper] = bibtex.parse(bib.read_text(encoding="utf-8"), file=str(bib))
    assert paper.abstract == "Code: https://github.com/me/repo~1. Data: http://d.org/x"
