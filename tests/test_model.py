from paperreader.links import links_for, primary_link, urls_in
from paperreader.model import Paper, parse_arxiv_id, title_id
from paperreader.text import clean_block, clean_line, clean_tag, normalise_title


def test_arxiv_ids_in_every_spelling():
    assert parse_arxiv_id("2401.12345v3") == "2401.12345"
    assert parse_arxiv_id("arXiv:2401.12345") == "2401.12345"
    assert parse_arxiv_id("https://arxiv.org/abs/2401.12345v2") == "2401.12345"
    assert parse_arxiv_id("https://arxiv.org/pdf/1706.03762.pdf") == "1706.03762"
    assert parse_arxiv_id("hep-th/9901001v1") == "hep-th/9901001"
    assert parse_arxiv_id("math.GT/0309136") == "math.GT/0309136"
    assert parse_arxiv_id("not an id") is None
    assert parse_arxiv_id("12345") is None


def test_ids_are_stable_and_normalised():
    a = Paper(title="Attention Is All You Need")
    b = Paper(title="  attention is   all you need!")
    assert a.id == b.id == title_id("attention is all you need")
    assert a.id == "t:" + a.id[2:] and len(a.id) == 14
    assert Paper(title="x", arxiv_id="1706.03762").id == "arxiv:1706.03762"
    assert normalise_title("Éléments de Géométrie") == "elements de geometrie"


def test_untrusted_text_loses_escape_sequences():
    hostile = "A\x1b[31mred\x1b[0m \x1b]8;;http://evil\x07link\x1b]8;;\x07 \x00nul\u202eflip\x9b2J"
    cleaned = clean_line(hostile)
    assert "\x1b" not in cleaned and "\x00" not in cleaned and "\u202e" not in cleaned and "\x9b" not in cleaned
    assert "red" in cleaned and "link" in cleaned
    assert clean_line("[bold]x[/]") == "[bold]x[/]"  # markup is kept as text; the UIs never parse it
    assert clean_block("line 1\r\nline\t2\x07") == "line 1\nline    2"
    assert clean_line("שלום 🙂 e\u0301") == "שלום 🙂 e\u0301"


def test_tags_are_single_lowercase_words():
    assert clean_tag("  Reading List ") == "reading-list"
    assert clean_tag("a,b") == "a-b"
    assert clean_tag("#Reading List") == "reading-list"  # typed back as shown
    assert clean_tag("##") == ""


def test_urls_in_abstracts_lose_sentence_punctuation():
    text = "Code: https://github.com/volcengine/verl. See (https://huggingface.co/LiqunMa/). And https://x.org/a_(b)."
    assert urls_in(text) == ["https://github.com/volcengine/verl", "https://huggingface.co/LiqunMa/", "https://x.org/a_(b)"]


def test_links_are_honest_about_what_is_known():
    arxiv = links_for(title="T", abstract="code at https://github.com/a/b.", arxiv_id="2401.00001", doi="10.1/x")
    kinds = [link.kind for link in arxiv]
    assert kinds == ["abs", "pdf", "hf", "doi", "code"]
    assert primary_link(arxiv).url == "https://arxiv.org/abs/2401.00001"
    bare = links_for(title="Some Title", abstract="", arxiv_id=None, doi=None)
    assert {link.kind for link in bare} == {"search"}
    assert "Some+Title" in bare[0].url
