"""An entry commented out with '%' (the way .bib files keep an entry they no longer cite; biber and
JabRef read '%' as a comment) was imported as a paper: '%@misc{old, title={Not a paper}}'."""

from __future__ import annotations

import pytest

from paperreader.sources import SourceError, bibtex

BIB = """% my references
%@misc{old, title={Not a paper}}
% see also @article{other, title = {Nor this one}}
%@article{multi,
%  title = {A commented multi-line entry},
%}
@misc{kept, title = {The real one}, note = {50% of a field keeps its percent sign}}
  %@misc{indented, title={Indented comment}}
"""


def test_commented_out_entries_are_not_papers():
    papers = bibtex.parse(BIB, file="refs.bib")
    assert [p.title for p in papers] == ["The real one"]


def test_a_file_of_only_commented_entries_has_no_entries():
    with pytest.raises(SourceError, match="no BibTeX entries"):
        bibtex.parse("%@misc{a, title={A}}\n", file="refs.bib")
