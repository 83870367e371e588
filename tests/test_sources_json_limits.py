"""JSON that Python's decoder refuses for its own limits (a number of 5,000 digits, arrays nested
100,000 deep) was reported in Python's words: 'use sys.set_int_max_str_digits() to increase the
limit', 'maximum recursion depth exceeded while decoding a JSON array from a unicode string'. The
reason now says what is wrong with the file, the same in every JSON format."""

from __future__ import annotations

import pytest

BIG = '[{"title": "Big", "year": 1' + "0" * 5000 + "}]"
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("name, body", [("big.json", BIG), ("deep.json", DEEP), ("big.jsonl", BIG[1:-1] + "\n"),
                                        ("deep.jsonl", DEEP + "\n")])
def test_json_beyond_the_decoders_limits(cli, tmp_path, name, body):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    out = cli("import", str(path))
    assert out.code == 2 and len(out.err.strip().splitlines()) == 1, out.err
    assert "sys." not in out.err and "recursion" not in out.err and "unicode string" not in out.err, out.err
    assert "not valid JSON" in out.err and ("digits" in out.err or "nested" in out.err), out.err
