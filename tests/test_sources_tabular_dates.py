"""A CSV/JSON date that is no day on the calendar ('2023-02-30', '2023-13-45', '2023/13') was kept
as the paper's published date, so it sorted and showed as one. It is left out and said, as 'not a
date' already was for words."""

from __future__ import annotations


def test_impossible_dates_are_left_out_and_said(cli, tmp_path):
    csv = tmp_path / "dates.csv"
    csv.write_text("title,published\nFeb thirtieth,2023-02-30\nMonth thirteen,2023-13-45\nSlash thirteen,2023/13\n"
                   "Leap day,2024-02-29\nA month,2023/7\nA year,2021\n", encoding="utf-8")
    out = cli("import", str(csv), "--json")
    assert out.code == 0, out.err
    assert out.err.count("not a date") == 3, out.err
    shown = {r["title"]: r for r in cli("list", "--json").json["results"]}
    published = {t: cli("show", shown[t]["id"], "--json").json.get("published") for t in
                 ("Feb thirtieth", "Month thirteen", "Slash thirteen", "Leap day", "A month", "A year")}
    assert published == {"Feb thirtieth": None, "Month thirteen": None, "Slash thirteen": None,
                         "Leap day": "2024-02-29", "A month": "2023-07-01", "A year": "2021"}
