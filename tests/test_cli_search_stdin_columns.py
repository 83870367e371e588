"""`search --stdin` prints one line a query, QUERY<TAB>TOTAL<TAB>ERROR: a query holding a tab (a
column pasted from a spreadsheet) split its line into four columns, and a script reading the second
as the count read a word. The tab is a space there (the search reads it as one); --json keeps it.
And a 'did you mean' of a query with a line break in it is printed on one line."""

from __future__ import annotations

import json
import subprocess
import sys

PAPERREADER = [sys.executable, "-m", "paperreader"]


def run(data_dir, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(PAPERREADER + ["--data-dir", str(data_dir), *args], input=stdin, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_a_query_with_a_tab_keeps_three_columns(tmp_path):
    data_dir = tmp_path / "data"
    plain = run(data_dir, "search", "--stdin", stdin="state space\nstate\tspace\n\"state\tspa\n")
    rows = [line.split("\t") for line in plain.stdout.splitlines()]
    assert [len(row) for row in rows] == [3, 3, 3], plain.stdout
    assert rows[0][0] == "state space" and rows[1][0] == "state space"
    assert int(rows[0][1]) > 0 and rows[1][1] == rows[0][1]  # the same search: the tab is a space
    assert rows[2][1] == "0" and "quote" in rows[2][2]  # an error stays in its column
    as_json = run(data_dir, "search", "--stdin", "--json", stdin="state\tspace\n")
    assert json.loads(as_json.stdout)["query"] == "state\tspace"  # JSON says the query as given


def test_did_you_mean_is_one_line(tmp_path):
    data_dir = tmp_path / "data"
    out = run(data_dir, "search", "tranformer\nlanguage")
    said = [line for line in out.stdout.splitlines() if line.startswith("did you mean")]
    assert len(said) == 1 and said[0].split(": ", 1)[1].split() == ["transformer", "language"], out.stdout
