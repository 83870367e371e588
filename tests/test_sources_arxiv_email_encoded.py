"""An arXiv listing e-mail saved from a mail client (.eml) often has its body quoted-printable:
long lines end in '=' and go on on the next, '=' itself is '=3D', UTF-8 bytes are '=C3=A9'. It was
read as it was: abstracts with 'ext= ra', a code link 'tlc-m= oe', and importing it after the plain
mail 'updated' four good papers with that text. The body is now decoded as the header says."""

from __future__ import annotations

import quopri
from pathlib import Path

from paperreader.sources import arxiv_email

SAMPLE = Path(__file__).parent / "fixtures" / "arxiv_email_sample.txt"


def _as_quoted_printable(text: str) -> str:
    head, _, body = text.partition("\n\n")
    head = head.replace("Content-Type: text/plain; charset=UTF-8",
                        "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable")
    return head + "\n\n" + quopri.encodestring(body.encode("utf-8")).decode("ascii")


def test_a_quoted_printable_mail_reads_as_the_plain_one(tmp_path):
    plain = SAMPLE.read_text(encoding="utf-8")
    encoded = _as_quoted_printable(plain)
    assert "=\n" in encoded  # soft line breaks: the case at hand
    want = arxiv_email.parse(plain, file="plain.txt")
    got = arxiv_email.parse(encoded, file="saved.eml")
    assert [(p.arxiv_id, p.title, p.abstract, p.authors, p.comment) for p in got] == \
           [(p.arxiv_id, p.title, p.abstract, p.authors, p.comment) for p in want]


def test_importing_the_saved_mail_after_the_plain_one_changes_nothing(cli, tmp_path):
    plain = tmp_path / "listing.txt"
    plain.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    saved = tmp_path / "listing.eml"
    saved.write_text(_as_quoted_printable(SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    assert cli("import", str(plain)).code == 0
    out = cli("import", str(saved), "--json")
    assert out.code == 0, out.err
    assert out.json["updated"] == 0 and out.json["added"] == 0, out.out
