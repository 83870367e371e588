"""`export --format csv` carries each paper's abstract (the last column), so the CSV imported into another
library gives the papers back with their abstracts; before, they came back without (engineer Q's find)."""

from __future__ import annotations

import csv
import io
import json

from conftest import FIXTURES

from paperreader.cli import main

SNAPSHOT = FIXTURES / "arxiv-oai" / "kaggle_oai_snapshot_first100.jsonl"


def _abstracts(run) -> dict[str, str]:
    return {p["id"]: p["abstract"] for p in run() if p["id"].startswith("arxiv:")}


def test_a_csv_export_brings_the_abstracts_into_another_library(cli, tmp_path, capsys):
    assert cli("import", str(SNAPSHOT)).code == 0
    table = tmp_path / "papers.csv"
    assert cli("export", "--format", "csv", "-o", str(table)).code == 0
    header = next(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert header[:3] == ["id", "title", "authors"] and header[-2:] == ["note", "abstract"]
    ours = _abstracts(lambda: cli("export", "--format", "json").json["papers"])
    assert len(ours) == 100 and all(ours.values())
    assert cli("import", str(table)).out.strip().endswith("unchanged 301")  # the same library: nothing changes

    other = tmp_path / "other"
    assert main(["--data-dir", str(other), "import", str(table)]) == 0
    assert "added 100," in capsys.readouterr().out
    assert main(["--data-dir", str(other), "export", "--format", "json"]) == 0
    assert _abstracts(lambda: json.loads(capsys.readouterr().out)["papers"]) == ours
