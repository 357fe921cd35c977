"""Language identification (`dedup.language`) and the language of every report member."""

from __future__ import annotations

import json

import pytest

import dedup
from dedup.language import detect_language
from tests.conftest import FIXTURES, SAMPLE

WMT = FIXTURES / "crosslingual" / "wmt_translations.jsonl"


def _wmt() -> list[dict[str, str]]:
    return [json.loads(line) for line in WMT.read_text(encoding="utf-8").splitlines()]


def test_every_fixture_document_gets_its_language() -> None:
    docs = _wmt()
    assert {d["lang"] for d in docs} == {"de", "en", "fr", "ru", "zh"}
    for d in docs:
        assert detect_language(d["text"]) == d["lang"], d["id"]


def test_seed_page_is_french(shared_example: str) -> None:
    assert detect_language(shared_example) == "fr"


@pytest.mark.parametrize("text", ["", "   \n", "12 345 67", "OK!", "A B"])
def test_too_little_text_has_no_language(text: str) -> None:
    assert detect_language(text) is None


def test_codes_are_iso_639_1_and_deterministic() -> None:
    # py3langid alone answers "wuu" (Wu Chinese) for some Mandarin news; restricted, "zh"
    zh = next(d["text"] for d in _wmt() if d["lang"] == "zh")
    codes = {detect_language(zh) for _ in range(3)}
    assert codes == {"zh"}
    for d in _wmt():
        code = detect_language(d["text"])
        assert code is not None and len(code) == 2 and code.isascii() and code.islower()


def test_report_members_carry_their_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE)
    report = dedup.scan(["articles"])
    members = [m for c in report.clusters for m in c.members]
    assert members and all(m.language == "en" for m in members)
    assert all(m.to_dict()["language"] == "en" for m in members)
    # translations are marked only by the cross-lingual stage
    assert all("match" not in m.to_dict() for m in members)
