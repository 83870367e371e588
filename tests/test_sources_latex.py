"""LaTeX accents to Unicode: the forms arXiv and BibTeX exporters really write."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.sources.latex import decode_accents, tex_to_text


@pytest.mark.parametrize(
    "tex, text",
    [
        (r"C. Bal\'azs", "C. Balázs"),  # OAI 0704.0001
        (r"Mikkel {\O}bro", "Mikkel Øbro"),  # OAI 0704.0049
        (r"Rastislav \v{S}r\'amek, Bro\v{n}a Brejov\'a", "Rastislav Šrámek, Broňa Brejová"),  # 0704.0062
        (r"Tom\'a\v{s} Vina\v{r}", "Tomáš Vinař"),
        (r"Timoth{\'e}e Lacroix", "Timothée Lacroix"),  # Semantic Scholar export
        (r"Baptiste Rozi{\`e}re", "Baptiste Rozière"),
        (r"Felipe S. Abrah{\~a}o", "Felipe S. Abrahão"),
        (r"Sa{\vs}o D{\vz}eroski", "Sašo Džeroski"),  # S2 glues \v and the letter
        (r'G\"odel', "Gödel"),
        (r'G\"{o}del', "Gödel"),
        (r'G{\"o}del', "Gödel"),
        (r'G{\" o}del', "Gödel"),
        (r"Stra\ss e", "Straße"),
        (r"\ss{}", "ß"),
        (r"\'\i", "í"),
        (r"{\'\i}", "í"),
        (r"\'{\i}", "í"),
        (r"Fran\c cois", "François"),
        (r"Fran\c{c}ois", "François"),
        (r"Erd\H{o}s", "Erdős"),
        (r"\k{a}", "ą"),
        (r"\r{u}", "ů"),
        (r"\u{a}", "ă"),
        (r"\=a", "ā"),
        (r"\^o", "ô"),
        (r"\.z", "ż"),
        (r"\L{}ukasz", "Łukasz"),
        (r'\AA ngstr\"om', "Ångström"),
        (r"{\ae}", "æ"),
        (r"A \& B, 50\%", "A & B, 50%"),
        (r"Koll\'ar's injectivity theorem", "Kollár's injectivity theorem"),  # OAI 0704.0073
    ],
)
def test_decode_accents(tex: str, text: str) -> None:
    assert decode_accents(tex) == text


@pytest.mark.parametrize(
    "tex",
    [
        r"From dyadic $\Lambda_{\alpha}$ to $\Lambda_{\alpha}$",  # OAI 0704.0005: math stays TeX
        r"\cite{x} \omega \lambda \int \vspace",  # commands that only start like an accent
        "plain text, no commands",
        "Jesper Tegn'er",  # an exporter's broken accent is not guessed at
        "",
    ],
)
def test_decode_accents_leaves_the_rest(tex: str) -> None:
    assert decode_accents(tex) == tex


@pytest.mark.parametrize(
    "tex, text",
    [
        ("{BERT}: Pre-training of Deep Bidirectional Transformers", "BERT: Pre-training of Deep Bidirectional Transformers"),
        (r"{{LLaMA}}: Open and Efficient", "LLaMA: Open and Efficient"),
        (r"The {\em Big} \emph{Data} \textbf{\textit{x}}", "The Big Data x"),
        (r"Tegn\'{e}r", "Tegnér"),
        ("a~b", "a b"),
        (r"$x_{i}$ and {Caps}", "$x_{i}$ and Caps"),
        (r"50\% \{set\}", "50% {set}"),
    ],
)
def test_tex_to_text(tex: str, text: str) -> None:
    assert tex_to_text(tex) == text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\\{}'\"`^~=.vcHuiosSLlaeAO $ _&%")) | st.characters(), max_size=60))
def test_never_raises(text: str) -> None:
    assert isinstance(decode_accents(text), str)
    assert isinstance(tex_to_text(text), str)
