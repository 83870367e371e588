"""An arXiv listing e-mail forwarded (or replied to) with '> ' quoting imports its papers, as the mail itself
does; before, "cannot tell the format". Its listing keeps the original's name and date."""

from __future__ import annotations

from pathlib import Path

SAMPLE = Path(__file__).parent / "fixtures" / "arxiv_email_sample.txt"
FORWARD_HEAD = (
    "From: Me <me@example.org>\nTo: friend@example.org\nSubject: Fwd: cs daily Subj-class mailing 8a1c3 9\n"
    "Date: Fri, 13 Feb 2026 09:12:00 +0100\nContent-Type: text/plain; charset=UTF-8\n\n"
    "Have a look at the first two.\n\n-------- Forwarded Message --------\n"
)


def _quoted(text: str, mark: str = "> ") -> str:
    """As a mail client quotes: every line behind the mark, an empty line as the bare '>'s."""
    return "\n".join(f"{mark}{line}" if line else mark.rstrip() for line in text.split("\n"))


def _ids_and_titles(cli) -> dict[str, str]:
    return {p["id"]: p["title"] for p in cli("export", "--format", "json").json["papers"] if p["id"].startswith("arxiv:26")}


def test_a_forwarded_listing_gives_the_papers_of_the_mail(cli, tmp_path):
    forwarded = tmp_path / "forwarded.eml"
    forwarded.write_text(FORWARD_HEAD + _quoted(SAMPLE.read_text(encoding="utf-8")) + "\n-- \nMe\n", encoding="utf-8")
    done = cli("import", str(forwarded))
    assert done.code == 0, done.err
    assert "arxiv-email, 6 papers" in done.out and "added 6," in done.out
    got = _ids_and_titles(cli)
    listed = cli("listings", "--json").json["listings"][-1]
    assert (listed["name"], listed["date"], listed["papers"]) == ("arXiv cs daily Subj-class", "2026-02-12", 6)

    plain = cli("import", str(SAMPLE))  # the mail itself: the same papers, text and all, and the same listing
    assert plain.code == 0 and "added 0, updated 0, unchanged 6" in plain.out
    assert _ids_and_titles(cli) == got
    assert len(cli("listings", "--json").json["listings"]) == 2  # the built-in one and this one


def test_a_reply_quoted_twice_with_crlf_lines_is_read(cli, tmp_path):
    reply = tmp_path / "reply.eml"
    body = "On Fri, 13 Feb 2026, Me wrote:\n" + _quoted("See below.\n" + _quoted(SAMPLE.read_text(encoding="utf-8")))
    head = "From: Friend <f@example.org>\nSubject: Re: Fwd: cs daily Subj-class mailing 8a1c3 9\nDate: Sat, 14 Feb 2026 10:00:00 +0000\n\nThanks!\n\n"
    reply.write_bytes((head + body + "\n").replace("\n", "\r\n").encode("utf-8"))
    done = cli("import", str(reply))
    assert done.code == 0, done.err
    assert "added 6," in done.out
    titles = _ids_and_titles(cli)
    assert titles["arxiv:2602.11873"] == "Sparse Mixture-of-Experts Routing with Token-Level Curricula for Multilingual Machine Translation"
    listed = cli("listings", "--json").json["listings"][-1]
    assert (listed["name"], listed["date"]) == ("arXiv cs daily Subj-class", "2026-02-12")  # the original's, quoted twice


def test_a_forward_without_the_original_header_keeps_its_own_date(cli, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    forwarded = tmp_path / "bare.eml"
    forwarded.write_text(FORWARD_HEAD + _quoted(text.split("\n\n", 1)[1]), encoding="utf-8")  # the body only
    done = cli("import", str(forwarded))
    assert done.code == 0 and "added 6," in done.out
    listed = cli("listings", "--json").json["listings"][-1]
    assert (listed["name"], listed["date"]) == ("arXiv cs daily Subj-class", "2026-02-13")


def test_a_quoted_listing_cut_short_is_refused_at_its_line(cli, tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    cut = lines[: lines.index("arXiv:2602.11901") + 3]  # inside the second entry
    forwarded = tmp_path / "cut.eml"
    forwarded.write_text(FORWARD_HEAD + _quoted("\n".join(cut)) + "\n", encoding="utf-8")
    before = cli("stats", "--json").json["papers"]
    refused = cli("import", str(forwarded))
    line = FORWARD_HEAD.count("\n") + cut.index("arXiv:2602.11901") + 1
    assert refused.code == 2
    assert refused.err.strip() == f"{forwarded}:{line}: entry 2602.11901 is cut short: the e-mail ends inside it (nothing was imported)"
    assert cli("stats", "--json").json["papers"] == before
