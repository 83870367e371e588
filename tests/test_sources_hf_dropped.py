"""A Hugging Face item's date that is not a date and a link that is not a web address were left out
without a word, where every other format lists them on stderr and counts them ("dropped")."""

from __future__ import annotations

import copy
import json

from conftest import FIXTURES


def test_values_left_out_of_a_hugging_face_file_are_said(cli, tmp_path):
    items = json.loads((FIXTURES / "hf-daily" / "daily_papers_2025-07-22.json").read_text(encoding="utf-8"))[:2]
    items = copy.deepcopy(items)
    items[0]["paper"]["publishedAt"] = "sometime soon"
    items[0]["paper"]["githubRepo"] = "javascript:alert(1)"
    items[1]["paper"]["projectPage"] = 5
    path = tmp_path / "daily.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    out = cli("import", str(path), "--json")
    assert out.code == 0, out.err
    assert len(out.json["files"][0]["dropped"]) == 3, out.out
    assert "not a date: 'sometime soon'" in out.err and "not a web address: 'javascript:alert(1)'" in out.err, out.err
    assert "projectPage" in out.err, out.err
