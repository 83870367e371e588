import pytest

from paperreader.links import urls_in
from paperreader.paths import builtin_corpus
from paperreader.sources import SourceError
from paperreader.sources.pagedump import looks_like, parse


@pytest.fixture(scope="module")
def papers():
    return parse(builtin_corpus().read_text(encoding="utf-8"), file="trending-papers.txt")


def test_builtin_corpus_has_201_papers(papers):
    assert len(papers) == 201
    assert papers[0].title == "Hybrid lemmatization in HuSpaCy"
    assert papers[0].abstract.startswith("Lemmatization is still not a trivial task")
    assert papers[-1].title == "Layer Collaboration in the Forward-Forward Algorithm"
    assert len({p.id for p in papers}) == 201


def test_urls_from_abstracts(papers):
    urls = [u for p in papers for u in urls_in(p.abstract)]
    assert len(urls) == 34
    assert "https://github.com/volcengine/verl" in urls
    assert "https://huggingface.co/LiqunMa/" in urls
    assert not any(u.endswith((".", ")", ",")) for u in urls)


def test_ids_are_the_same_every_run(papers):
    again = parse(builtin_corpus().read_text(encoding="utf-8"))
    assert [p.id for p in again] == [p.id for p in papers]


def test_detects_its_format():
    assert looks_like(builtin_corpus().read_text(encoding="utf-8"))
    assert not looks_like("@article{x, title={y}}")


def test_a_missing_abstract_names_the_line():
    text = "Get trending papers in your email inbox!\nTitle one\nAbstract one\nTitle two\n"
    with pytest.raises(SourceError) as err:
        parse(text, file="dump.txt")
    assert str(err.value) == "dump.txt:4: a title without an abstract (papers are two lines: title, abstract)"


def test_an_empty_dump_is_an_error():
    with pytest.raises(SourceError, match="no papers"):
        parse("Get trending papers in your email inbox!\n", file="x.txt")


def test_a_title_of_control_characters_names_its_line():
    text = "Get trending papers in your email inbox!\n\x1b[2J\x07\nAn abstract\n"
    with pytest.raises(SourceError) as err:
        parse(text, file="dump.txt")
    assert str(err.value).startswith("dump.txt:2: the title is empty")
