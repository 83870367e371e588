"""An arXiv paper cited with its link in howpublished or note (\\url{https://arxiv.org/abs/X}: the
@misc style many .bib files and citation generators use) was imported without its arXiv id, as a
title-only paper: no arXiv links, and the same paper from an arXiv feed was a second copy."""

from __future__ import annotations

from paperreader.sources import bibtex

BIB = r"""
@misc{hp, title={Howpublished style}, howpublished={\url{https://arxiv.org/abs/2103.00006v2}}, year={2021}}
@misc{nt, title={Note style}, note={Available at https://arxiv.org/pdf/2103.00011.pdf}, year={2021}}
@misc{old, title={Old style}, howpublished={\url{http://arxiv.org/abs/hep-th/9901001}}}
@misc{other, title={Not arXiv}, howpublished={\url{https://example.org/arxiv.org/abs/x}}}
"""


def test_arxiv_links_in_howpublished_and_note_give_the_id():
    ids = {p.title: p.arxiv_id for p in bibtex.parse(BIB, file="refs.bib")}
    assert ids == {"Howpublished style": "2103.00006", "Note style": "2103.00011", "Old style": "hep-th/9901001",
                   "Not arXiv": None}
