"""`dedup.documents_of` / `report_documents`: the texts a report's passages index into."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dedup
from dedup.texts import documents_of

SAMPLE = Path(__file__).resolve().parents[1] / "sample" / "articles"


def _words(s: str) -> list[str]:
    return re.findall(r"\w+", s.casefold())


def test_passages_index_into_the_texts_read_again() -> None:
    report = dedup.scan([SAMPLE])
    docs = dedup.report_documents(report, [SAMPLE])
    members = [m for c in report.clusters for m in c.members]
    assert set(docs) == {m.id for m in members}
    checked = 0
    for c in report.clusters:
        origin = docs[c.origin].text
        for m in c.copies:
            text = docs[m.id].text
            for p in m.passages:
                mine, theirs = text[p.a_start : p.a_end], origin[p.b_start : p.b_end]
                assert len(_words(mine)) >= p.a_words >= 8 and len(_words(theirs)) >= 8
                # near-verbatim: most words of the copy's passage are in the origin's
                shared = set(_words(mine)) & set(_words(theirs))
                assert len(shared) >= 0.6 * len(set(_words(mine)))
                checked += 1
    assert checked > 20


def test_only_the_record_at_its_source_and_documents_in_memory(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text(
        '{"id": "x", "text": "first x"}\n{"id": "x", "text": "second x"}\n'
        '{"id": "y", "text": "why"}\n',
        encoding="utf-8",
    )
    mem = dedup.Document("m", "in memory")
    shown = str(f)
    got = documents_of(
        [f, mem], {"x": f"{shown}:line 2", "y": f"{shown}:line 9", "m": None}, dedup.ScanConfig()
    )
    assert got["x"].text == "second x"
    assert "y" not in got  # no longer at that line: absent, the caller says so
    assert got["m"].text == "in memory"


def test_html_pages_are_extracted_as_the_scan_saw_them(tmp_path: Path) -> None:
    page = sorted(SAMPLE.rglob("*.html"))[0]
    shutil.copy(page, tmp_path / page.name)
    shown = str(tmp_path / page.name)
    report = dedup.scan([tmp_path])
    got = documents_of([tmp_path], {shown: shown}, dedup.ScanConfig())
    assert report.stats.extracted == 1 and got[shown].text.strip()
