"""The search box with questions, ids and links, half-typed queries and truthful hints (issue 14)."""

from __future__ import annotations

from paperreader.model import Paper

from tui_helpers import NARROW, WIDE, ready, screen_text, search_for, settle, widget_text


def status(app) -> str:
    return widget_text(app.screen.query_one("#status-text"))


def titles(screen) -> list[str]:
    rows = screen.result.rows
    return [rows[i].record.title for i in sorted(rows)]


async def test_a_question_gets_the_closest_matches(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "how do state space models compare with transformers on long sequences?")
        assert "with all the words, then the closest matches" in status(app)
        assert screen.results.total > 20 and "State Space" in titles(screen)[0]
        await search_for(app, pilot, "zebra mamba selective scan?")
        assert "no paper has all the words: closest matches" in status(app)
        assert screen.results.total > 0 and "Traceback" not in screen_text(app)


async def test_half_typed_queries_keep_the_last_results(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "mamba")
        before = titles(screen)
        for half in ("mamba OR", "mamba -", "title:(", "(mamba OR rnn", "mamba AND"):
            screen.search_box.value = half
            await settle(app, pilot)
            assert titles(screen) == before, half  # the list stays as it was
            assert "finish the query" in status(app), half
            assert not app.screen.query_one("#status").has_class("-error")
        screen.search_box.value = "mamba OR rnn"
        await settle(app, pilot)
        assert "finish the query" not in status(app) and screen.results.total > len(before)


async def test_an_open_quote_is_searched_as_a_phrase_being_typed(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("slash", *'"state spa')
        await settle(app, pilot)
        assert screen.search_box.value == '"state spa'
        assert screen.results.total >= 20 and "error" not in status(app)
        assert any("State Space" in t for t in titles(screen)[:3])


async def test_a_pasted_id_or_link_finds_that_paper(make_app, library):
    library.upsert([Paper(title="Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
                          arxiv_id="2312.00752", abstract="Selective state space models.")])
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        for link in ("https://arxiv.org/abs/2312.00752v2", "arXiv:2312.00752", "https://huggingface.co/papers/2312.00752"):
            await search_for(app, pilot, link)
            assert titles(screen)[0].startswith("Mamba: Linear-Time"), link
        await search_for(app, pilot, "1601.00001")
        assert screen.results.total == 0
        assert "arXiv:1601.00001 is not in the library: paperreader fetch arxiv id:1601.00001" in status(app)


async def test_a_field_no_paper_has_is_explained_and_the_placeholder_tells_the_truth(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await ready(app, pilot)
        placeholder = screen.search_box.placeholder
        assert "question" in placeholder and "author:" not in placeholder and "year:" not in placeholder
        await search_for(app, pilot, "author:gu")
        assert "no paper in this library has authors" in status(app)
        await search_for(app, pilot, "has:arxiv")
        assert "no paper in this library has an arXiv id" in status(app)


async def test_a_word_half_typed_finds_papers(make_app):
    """`mamba sel`, typed key by key: the last word is a prefix while no space follows it."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("slash", *"mamba sel")
        await settle(app, pilot)
        assert screen.search_box.value == "mamba sel" and screen.result.query == "mamba sel"
        assert screen.results.total >= 5 and "No papers match" not in screen_text(app)
        assert any("Selective" in t for t in titles(screen)[:3]) and "Did you mean" not in screen_text(app)
        await pilot.press("space")  # a space: the word is whole, and no paper has "sel"
        await settle(app, pilot)
        assert screen.results.total == 0 and "No papers match" in screen_text(app)
