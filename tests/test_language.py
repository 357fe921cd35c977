"""Language identification (`dedup.language`) and the language of every report member."""

from __future__ import annotations

import json

import pytest

import dedup
from dedup.language import BATCH, detect_language, detect_languages
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


def _classify_one_at_a_time(text: str) -> str | None:
    """py3langid's own `rank` (raw scores), one text at a time, as `detect_language` defines
    it: the best language if it beats every language but its siblings by `MIN_MARGIN`."""
    from dedup.language import MIN_LETTERS, MIN_MARGIN, SAMPLE_CHARS, SIBLINGS, _identifier

    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    ranked = _identifier().rank(sample)
    best, top = ranked[0]
    family = next((set(g) for g in SIBLINGS if best in g), {best})
    runner_up = max(score for lang, score in ranked if lang not in family)
    assert str(_identifier().classify(sample)[0]) == best
    return str(best) if top - runner_up >= MIN_MARGIN else None


def test_batch_walk_gives_py3langid_answers() -> None:
    # every fixture text, its cut-offs (texts of every length walk the automaton together),
    # upper-case text (py3langid lower-cases it), mixed scripts and texts too short to tell
    texts = [d["text"] for d in _wmt()]
    texts += [t[:n] for t in texts[:6] for n in (13, 40, 250)]
    texts += [texts[0][:300].upper(), "Ça va? Oui — très bien, merci; à demain!", "", "12 345"]
    texts += [texts[1][:200] + " " + texts[-5][:200]]
    want = [_classify_one_at_a_time(t) for t in texts]
    assert detect_languages(texts) == want
    assert [detect_language(t) for t in texts] == want
    # batches larger than one walk and any order give each text the same answer
    many = texts * (BATCH // len(texts) + 2)
    assert detect_languages(many) == want * (BATCH // len(texts) + 2)
    assert detect_languages(texts[::-1]) == want[::-1]
