"""Turn the bench generator's JSONL into arXiv OAI snapshot lines (what `paperreader import` streams).

    python bench/generate.py --n 1000000 | python bench/to_oai.py > oai-1m.jsonl
"""
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    year = d.get("year") or 2020
    day = (d.get("published") or f"{year}-04-02")
    out = {
        "id": d["arxiv_id"], "submitter": None, "authors": ", ".join(d.get("authors", [])),
        "title": d["title"], "comments": None, "journal-ref": None, "doi": None,
        "report-no": None, "categories": " ".join(d.get("categories", ["cs.LG"])), "license": None,
        "abstract": d["abstract"], "versions": [{"version": "v1", "created": f"Mon, 2 Apr {year} 18:58:41 GMT"}],
        "update_date": day, "authors_parsed": [],
    }
    sys.stdout.write(json.dumps(out) + "\n")
