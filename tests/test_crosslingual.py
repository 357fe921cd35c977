"""Cross-lingual matching: anchors, scores, candidates, the scan stage, the CLI flag."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import dedup
from dedup.cli import app
from dedup.config import CrossLingualConfig, ScanConfig
from dedup.crosslingual.anchors import anchor_features, extract_anchors, skeleton
from dedup.crosslingual.translations import (
    AnchorWeights,
    anchor_signatures,
    bucket_cross_pairs,
    bucketed_cross_pairs,
    cross_candidates,
    document_frequencies,
    find_translations,
    is_translation,
    merge_frequencies,
    same_language,
    translation_score,
)
from dedup.errors import ConfigError
from dedup.language import detect_language, detect_languages
from dedup.output import render
from dedup.shingle import shingle_batch
from tests.conftest import FIXTURES, SAMPLE, SHARED_DATA, needs_shared_data

WMT = FIXTURES / "crosslingual" / "wmt_translations.jsonl"
NOTICES = FIXTURES / "crosslingual" / "english_notices.jsonl"
ON = ScanConfig(crosslingual=CrossLingualConfig(enabled=True))


def _wmt() -> list[dict[str, str]]:
    return [json.loads(line) for line in WMT.read_text(encoding="utf-8").splitlines()]


def _notices() -> list[dict[str, str]]:
    return [json.loads(line) for line in NOTICES.read_text(encoding="utf-8").splitlines()]


def _docs(rows: list[dict[str, str]]) -> list[dedup.Document]:
    return [dedup.Document(r["id"], r["text"]) for r in rows]


# ---------------------------------------------------------------------------------------------
# anchors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ("Zelensky", "Selenskyj", "Зеленский", "Zelenskiy"),
        ("Khamenei", "Chamenei", "Хаменеи"),
        ("Putin", "Путин", "Путина"),  # genitive: the final vowel goes
        ("Trump", "Трамп", "Trumps"),  # German genitive s
        ("Reuters", "Рейтерс"),
        ("Téhéran", "Teheran"),
    ],
)
def test_one_name_one_skeleton(spellings: tuple[str, ...]) -> None:
    assert len({skeleton(s) for s in spellings}) == 1, [skeleton(s) for s in spellings]


def test_skeleton_golden_values() -> None:
    assert skeleton("Zelensky") == "salansk"
    assert skeleton("Khamenei") == "kaman"
    assert skeleton("Taeb") == "tab"
    assert skeleton("Baghdad") == skeleton("Bagdad") == "bagdad"


@pytest.mark.parametrize(
    ("text", "lang", "feature"),
    [
        ("They paid 1,000 dollars.", "en", "n:1000"),
        ("Sie zahlten 1.000 Euro.", "de", "n:1000"),
        ("Ils ont payé 1 000 euros.", "fr", "n:1000"),
        ("Ils ont payé 1\u202f000 euros.", "fr", "n:1000"),
        ("It grew 3.5 percent.", "en", "n:3.5"),
        ("Es wuchs um 3,5 Prozent.", "de", "n:3.5"),
        ("About 2.5 million people.", "en", "n:2500000"),
        ("Etwa 2,5 Millionen Menschen.", "de", "n:2500000"),
        ("Около 2,5 млн человек.", "ru", "n:2500000"),
        ("约250万人。", "zh", "n:2500000"),
        ("It cost $1.2bn.", "en", "n:1200000000"),
        ("Es kostete 1,2 Milliarden Euro.", "de", "n:1200000000"),
    ],
)
def test_numbers_read_the_same_in_every_language(text: str, lang: str, feature: str) -> None:
    assert feature in anchor_features(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The strikes on June 27 killed four.", "en"),
        ("Les frappes du 27 juin ont tué quatre personnes.", "fr"),
        ("Die Angriffe am 27. Juni töteten vier.", "de"),
        ("Удары 27 июня убили четверых.", "ru"),
        ("6月27日的空袭造成四人死亡。", "zh"),
        ("Los ataques del 27 de junio mataron a cuatro.", "es"),
    ],
)
def test_dates_read_the_same_in_every_language(text: str, lang: str) -> None:
    feats = anchor_features(text, lang)
    assert "d:06-27" in feats
    assert "n:27" not in feats  # the day is part of the date, not a number of its own


def test_english_month_words_count_only_capitalised() -> None:
    assert anchor_features("It may rain in march.", "en") == []
    assert anchor_features("In May and March.", "en") == ["m:05", "m:03"]


def test_common_words_are_not_names() -> None:
    # sentence-initial dictionary words, a word also written in lower case, German nouns and
    # compounds, English titles and nationality adjectives, honorifics
    assert anchor_features("The meeting was held. Meeting rooms were full.", "en") == []
    assert anchor_features("Die Regierung und die Pflichtversicherungsgesetze.", "de") == []
    assert anchor_features("Then President Biden met Iranian envoys and Mr Smith.", "en") == [
        "w:badan",
        "w:smat",
    ]


def test_acronyms_and_state_names_across_languages() -> None:
    assert anchor_features("L'ONU et l'UE.", "fr") == ["w:un", "w:eu"]
    assert anchor_features("Die UNO und die EU.", "de") == ["w:un", "w:eu"]
    assert anchor_features("The U.S. and the United States.", "en") == ["w:us", "w:us"]
    assert anchor_features("Les États-Unis, les Nations unies.", "fr") == ["w:us", "w:un"]


def test_seed_page_anchors(shared_example: str) -> None:
    """The French seed page: names, dates and numbers a translation of it would share."""
    feats = anchor_features(shared_example, "fr")
    for name in ("Taeb", "Khamenei", "Kataib", "Sayyed", "Shuhada", "Soleimani", "Ghaani"):
        assert "w:" + skeleton(name) in feats, name
    assert skeleton("Shuhada") == "sahad"  # "al-Shuhada": the article is not part of the name
    # "le 27 juin", "du 5 juillet", "le 7 juillet", "le 20 juin"; "début avril": a month alone
    for date in ("d:06-27", "d:07-05", "d:07-07", "d:06-20", "m:04"):
        assert date in feats, date
    for number in ("n:2015", "n:2003", "n:2011", "n:2014", "n:19"):  # COVID-19
        assert number in feats, number
    # common words capitalised at the start of a sentence, after a dash or a quote are not
    # names: the page's "Un", "Les", "Il" give nothing; "an" is "Ain" (al-Asad), once
    assert feats.count("w:an") == 1
    snippet = "Un haut commandant est venu. Les forces ont attaqué. Il a dit : « Le message » – Un"
    assert anchor_features(snippet, "fr") == []
    # in text order: Taeb's first mention comes before the 27 June strikes, Khamenei after
    assert feats.index("w:tab") < feats.index("d:06-27") < feats.index("w:kaman")


def test_anchors_are_hashed_in_order_and_keys_leave_out_weak_features() -> None:
    a = extract_anchors("On June 5 Biden met 3 envoys and Putin on Monday in May.", "en")
    feats = anchor_features("On June 5 Biden met 3 envoys and Putin on Monday in May.", "en")
    assert feats == ["d:06-05", "w:badan", "n:3", "w:patan", "wd:1", "m:05"]
    assert a.seq.dtype == np.uint64 and a.seq.size == len(feats)
    # numbers under 10, weekdays and months without a day are too common to find candidates
    assert a.keys.size == 3 and set(a.keys.tolist()) <= set(a.seq.tolist())
    again = extract_anchors("On June 5 Biden met 3 envoys and Putin on Monday in May.", "en")
    assert np.array_equal(a.seq, again.seq)


# ---------------------------------------------------------------------------------------------
# scores
# ---------------------------------------------------------------------------------------------


def test_translations_score_above_the_threshold_and_other_stories_below() -> None:
    rows = _wmt()
    anchors = [extract_anchors(r["text"], r["lang"]) for r in rows]
    weights = AnchorWeights.of(anchors)
    cfg = CrossLingualConfig(enabled=True)
    for i, a in enumerate(rows):
        for j in range(i + 1, len(rows)):
            b = rows[j]
            if a["lang"] == b["lang"]:
                continue
            s = translation_score(anchors[i], anchors[j], weights)
            assert 0.0 <= s.score <= 1.0 and s.chain <= s.shared
            same = a["story"] == b["story"]
            assert is_translation(s, cfg) == same, (a["id"], b["id"], s)


def test_order_counts() -> None:
    """The same anchors in reverse order make a short chain: not a translation."""
    text = "Biden met Putin in Geneva on June 16, with Lavrov, Blinken and Merkel in 2021."
    fwd = extract_anchors(text, "en")
    rev = extract_anchors(" ".join(reversed(text.rstrip(".").split())) + ".", "en")
    weights = AnchorWeights.of([fwd, rev])
    assert translation_score(fwd, fwd, weights).score == pytest.approx(1.0)
    s = translation_score(fwd, rev, weights)
    assert s.shared >= 7 and s.chain <= 2 and s.score < 0.3


def test_weights_from_stored_counts_equal_weights_of_the_documents() -> None:
    anchors = [extract_anchors(r["text"], r["lang"]) for r in _wmt()]
    w = AnchorWeights.of(anchors)
    again = AnchorWeights.from_counts(w.keys.copy(), w.counts.copy(), w.n_docs)
    probe = np.concatenate([anchors[0].seq, np.array([12345], dtype=np.uint64)])
    assert np.allclose(w.weights(probe), again.weights(probe))
    # a feature never seen weighs the most
    assert w.weights(np.array([12345], dtype=np.uint64))[0] == w.weights(probe).max()


def test_frequencies_added_up_in_parts_give_the_same_weights() -> None:
    """What the Dask engine does: per-partition document frequencies, merged in any grouping,
    are those of all the documents, so the weights are the same floats."""
    anchors = [extract_anchors(r["text"], r["lang"]) for r in _wmt()]
    whole = AnchorWeights.of(anchors)
    parts = [document_frequencies(anchors[k : k + 4]) for k in range(0, len(anchors), 4)]
    parts.append(document_frequencies([]))
    nested = merge_frequencies([merge_frequencies(parts[:2]), merge_frequencies(parts[2:])])
    for keys, counts in (merge_frequencies(parts), nested):
        assert np.array_equal(keys, whole.keys) and np.array_equal(counts, whole.counts)
        w = AnchorWeights.from_counts(keys, counts, len(anchors))
        assert np.array_equal(w.weights(whole.keys), whole.weights(whole.keys))
    assert merge_frequencies([])[0].size == 0


def test_bucket_rule_skips_buckets_over_the_cap() -> None:
    members = np.array([3, 5, 8, 9], dtype=np.int64)
    lang = np.array([0, 1, 1, 0], dtype=np.int64)
    # 4 cross-language pairs, in member order, a < b
    expected = [(3, 5), (3, 8), (5, 9), (8, 9)]
    assert bucket_cross_pairs(members, lang, 4).tolist() == [list(p) for p in expected]
    assert bucket_cross_pairs(members, lang, 3).shape == (0, 2)
    assert bucket_cross_pairs(members, np.zeros(4, dtype=np.int64), 100).shape == (0, 2)
    # rows of several buckets in any order: the same pairs, bucket by bucket
    keys = np.array([7, 1, 7, 1, 7, 7], dtype=np.uint64)
    docs = np.array([9, 2, 3, 1, 5, 8], dtype=np.int64)
    langs = np.array([0, 0, 0, 1, 1, 1], dtype=np.int64)
    pairs = bucketed_cross_pairs(keys, docs, langs, 4)
    assert sorted(map(tuple, pairs.tolist())) == sorted([(1, 2), (3, 5), (3, 8), (5, 9), (8, 9)])
    assert bucketed_cross_pairs(keys, docs, langs, 1).tolist() == [[1, 2]]


# ---------------------------------------------------------------------------------------------
# candidates and the scan stage
# ---------------------------------------------------------------------------------------------


def test_candidates_pair_only_documents_of_different_languages() -> None:
    rows = _wmt()
    anchors = [extract_anchors(r["text"], r["lang"]) for r in rows]
    cfg = CrossLingualConfig(enabled=True)
    sigs = anchor_signatures(anchors, cfg)
    langs: list[str | None] = [r["lang"] for r in rows]
    pairs = cross_candidates(sigs, langs, cfg)
    assert pairs.size and all(langs[a] != langs[b] for a, b in pairs.tolist())
    assert all(a < b for a, b in pairs.tolist())
    # unknown languages take no part
    assert cross_candidates(sigs, [None] * len(rows), cfg).size == 0
    # every translation pair of the fixtures is a candidate
    found = {(a, b) for a, b in pairs.tolist()}
    for i, a in enumerate(rows):
        for j in range(i + 1, len(rows)):
            if a["story"] == rows[j]["story"]:
                assert (i, j) in found, (a["id"], rows[j]["id"])


def test_scan_groups_every_story_with_its_translations() -> None:
    rows = _wmt()
    report = dedup.scan(_docs(rows), ON)
    story = {r["id"]: r["story"] for r in rows}
    groups = sorted(sorted(m.id for m in c.members) for c in report.clusters)
    expected = sorted(
        sorted(r["id"] for r in rows if r["story"] == s) for s in {r["story"] for r in rows}
    )
    assert groups == expected
    assert report.stats.translation_pairs == 18 and report.stats.verified_pairs == 0
    for c in report.clusters:
        origin = c.members[0]
        assert origin.match is None and origin.score is None
        assert len({story[m.id] for m in c.members}) == 1
        for m in c.copies:
            assert m.language != origin.language
            assert m.match == "translation" and m.score is not None and m.score >= 0.3
            assert m.jaccard < 0.1  # the word-shingle figures stay exact: next to nothing
            d = m.to_dict()
            assert d["match"] == "translation" and d["score"] == round(m.score, 4)
    stats = report.to_dict()["stats"]
    assert stats["translation_pairs"] == 18 and stats["translation_candidates"] >= 18


def test_without_the_option_translations_are_not_found() -> None:
    report = dedup.scan(_docs(_wmt()))
    assert report.clusters == ()
    assert "translation_pairs" not in report.to_dict()["stats"]


def test_same_language_copies_stay_on_the_word_shingle_path() -> None:
    text = next(r["text"] for r in _wmt() if r["lang"] == "en" and "cbsnews" in r["id"])
    docs = [dedup.Document("a", text), dedup.Document("b", text + "\nSource: CBS News")]
    report = dedup.scan(docs, ON)
    assert report.stats.verified_pairs == 1 and report.stats.translation_candidates == 0
    assert [m.match for m in report.clusters[0].members] == [None, None]


def test_scan_is_deterministic_across_input_orders() -> None:
    docs = _docs(_wmt())
    first = render(dedup.scan(docs, ON), "json")
    assert render(dedup.scan(list(reversed(docs)), ON), "json") == first
    assert render(dedup.scan(docs[3:] + docs[:3], ON, jobs=2), "json") == first


def test_sample_report_is_identical_with_the_option_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same-language data, no cross-language pair: byte for byte the report without it."""
    monkeypatch.chdir(SAMPLE)
    for fmt in ("json", "csv", "table"):
        assert render(dedup.scan(["articles"], ON), fmt) == render(dedup.scan(["articles"]), fmt)


def test_seed_page_matches_no_unrelated_english_story(
    shared_example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SAMPLE)
    seed = dedup.Document("seed-fr", shared_example)
    io = FIXTURES / "io"
    extra = [dedup.Document(p.stem, p.read_text(encoding="utf-8")) for p in (io / "willis.txt",)]
    report = dedup.scan(["articles", seed, *extra], ON)
    assert "seed-fr" not in {m.id for c in report.clusters for m in c.members}
    assert report.stats.translation_pairs == 0
    off = dedup.scan(["articles", seed, *extra])
    assert render(report, "json") == render(off, "json")


def test_find_translations_handles_documents_without_anchors() -> None:
    rows = _wmt()[:3]
    anchors = [extract_anchors(r["text"], r["lang"]) for r in rows]
    cfg = CrossLingualConfig(enabled=True)
    t = find_translations([*anchors, None], [r["lang"] for r in rows] + ["en"], cfg)
    assert {(p.a, p.b) for p in t.pairs} == {(0, 1), (0, 2), (1, 2)}
    assert t.partners[0] == [1, 2]


# ---------------------------------------------------------------------------------------------
# precision: unknown languages, same-language pairs
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Semi div 7-1/2 cts vs 7-1/2 cts prior\n    Pay April 30\n    Record March 31",
        "Shr 23 cts vs 18 cts\n    Net 509,144 vs 277,834\n    Revs 2,258,341 vs 1,328,634\n"
        "    Avg shrs 2,177,553 vs 1,564,605\n    Nine mths\n    Shr 55 cts vs 42 cts",
        "Qtly div 33 cts vs 33 cts prior\n    Pay June 1\n    Record May 15",
    ],
)
def test_notices_and_tables_have_no_language(text: str) -> None:
    # py3langid alone calls these Catalan and Volapuk
    assert detect_language(text) is None


def test_fixture_notices_have_no_language_other_than_english() -> None:
    langs = detect_languages([r["text"] for r in _notices()])
    assert set(langs) <= {"en", None}
    assert None in langs  # the tables and the dividend notice
    assert detect_language(_notices()[0]["text"]) == "en"  # prose


def test_english_notices_are_never_translations() -> None:
    # 7 translation pairs before languages needed confidence ("vo", "ca", "oc")
    report = dedup.scan(_docs(_notices()), ON)
    assert report.stats.translation_pairs == 0
    assert all(m.match is None for c in report.clusters for m in c.members)


def test_same_language_pairs_are_not_translations_whatever_their_labels() -> None:
    rows = {r["id"]: r["text"] for r in _notices()}
    texts = [rows["reuters-1734"], rows["reuters-1677"]]  # one table, the longer with more
    anchors = [extract_anchors(t, "en") for t in texts]
    sets = shingle_batch(texts, ON.shingle.shingle_size).sets()
    assert same_language(sets[0], sets[1])
    cfg = CrossLingualConfig(enabled=True)
    labels = ["en", "vo"]  # a wrong, different label: the anchors alone would pair them
    assert len(find_translations(anchors, labels, cfg).pairs) == 1
    assert find_translations(anchors, labels, cfg, sets=sets).pairs == []


def test_dask_verification_refuses_same_language_pairs() -> None:
    # the Dask engine's verification, in this process, on two partitions of one document each
    from dataclasses import replace

    from dedup.engines.dask.tasks import needed
    from dedup.engines.dask.translations import (
        anchor_band_rows,
        anchor_counts,
        anchor_weights,
        fetch_anchors,
        merge_anchor_counts,
        translation_pairs_by_owner,
        verify_translations,
    )
    from dedup.engines.local import collect

    rows = {r["id"]: r["text"] for r in _notices()}
    corpus, _ = collect([dedup.Document(i, rows[i]) for i in ("reuters-1677", "reuters-1734")], ON)
    wrong = ["vo", "en"]  # a wrong, different label for one of two tables
    corpus.entries[:] = [replace(e, language=g) for e, g in zip(corpus.entries, wrong, strict=True)]
    parts = [corpus.take([0]), corpus.take([1])]
    cfg = ON.crosslingual
    weights = anchor_weights(merge_anchor_counts(*(anchor_counts(x) for x in parts)))
    codes = {"en": 0, "vo": 1}
    band_rows = [anchor_band_rows(x, p, cfg, codes, 1)[0] for p, x in enumerate(parts)]
    pairs = translation_pairs_by_owner(band_rows, 2, cfg.max_bucket_pairs)[0]
    assert pairs.shape[0] >= 1
    fetched = {1: fetch_anchors(parts[1], needed(pairs, 1))}
    found, scores = verify_translations(parts[0], 0, pairs, fetched, weights, cfg)
    assert found.shape == (0, 4) and scores.size == 0
    # the anchors alone would pass them
    alone = find_translations([e.anchors for e in corpus.entries], ["vo", "en"], cfg)
    assert len(alone.pairs) == 1


def test_two_english_texts_are_never_a_translation_pair() -> None:
    english = [r for r in _wmt() if r["lang"] == "en"] + _notices()
    report = dedup.scan(_docs(english), ON)
    assert report.stats.translation_pairs == 0


def test_real_translations_keep_their_languages_and_still_match() -> None:
    rows = _wmt()
    assert detect_languages([r["text"] for r in rows]) == [r["lang"] for r in rows]
    sets = shingle_batch([r["text"] for r in rows], ON.shingle.shingle_size).sets()
    for i, a in enumerate(rows):
        for j, b in enumerate(rows):
            if i < j and a["story"] == b["story"]:
                assert not same_language(sets[i], sets[j]), (a["id"], b["id"])
    report = dedup.scan(_docs(rows + _notices()), ON)
    groups = {frozenset(m.id for m in c.members) for c in report.clusters}
    stories: dict[str, set[str]] = {}
    for r in rows:
        stories.setdefault(r["story"], set()).add(r["id"])
    assert groups == {frozenset(v) for v in stories.values()}


# ---------------------------------------------------------------------------------------------
# configuration and command line
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"num_perm": 100, "bands": 64},
        {"min_score": 0.0},
        {"short_min_score": 1.5},
        {"min_chain": 0},
        {"max_bucket_pairs": 0},
        {"seed": -1},
    ],
)
def test_invalid_settings_are_config_errors(bad: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        CrossLingualConfig(**bad)  # type: ignore[arg-type]


def test_fingerprint_changes_only_with_the_option_on() -> None:
    off = ScanConfig()
    assert ScanConfig(crosslingual=CrossLingualConfig(num_perm=64, bands=32)).fingerprint() == (
        off.fingerprint()
    )
    assert ON.fingerprint() != off.fingerprint()


def test_cli_flag(tmp_path: Path) -> None:
    src = tmp_path / "wmt.jsonl"
    src.write_text(
        "".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in _wmt()),
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(app, ["scan", str(src), "-f", "json", "-q", "-j", "1"])
    assert result.exception is None and json.loads(result.stdout)["clusters"] == []
    result = runner.invoke(
        app, ["scan", str(src), "--cross-lingual", "-f", "json", "-q", "-j", "1"]
    )
    assert result.exception is None, result.output
    report = json.loads(result.stdout)
    assert len(report["clusters"]) == 4
    assert {m.get("match") for c in report["clusters"] for m in c["members"][1:]} == {"translation"}
    # the Dask engine runs it too (a local cluster of one worker), with the same report
    args = ["scan", str(src), "--cross-lingual", "-f", "json", "-q", "--engine", "dask"]
    on_dask = runner.invoke(app, [*args, "--workers", "1"])
    assert on_dask.exit_code == 0 and on_dask.exception is None, on_dask.output
    assert on_dask.stdout == result.stdout


# ---------------------------------------------------------------------------------------------
# real data
# ---------------------------------------------------------------------------------------------


@needs_shared_data
def test_wmt_english_french_recall_and_precision() -> None:
    """All WMT documents in English and French (44 stories): the issue's targets, recall >= 0.9
    at precision >= 0.98 (benchmarks/crosslingual.py measures every pair of languages)."""
    docs: list[dedup.Document] = []
    story: dict[str, str] = {}
    for path in sorted((SHARED_DATA / "parallel_news_wmt").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                sides = {d["src"]["lang"]: d["src"]["segments"]}
                for ref in d["refs"]:
                    sides.setdefault(ref["lang"], ref["segments"])
                if "en" in sides and "fr" in sides:
                    key = f"{d['testset']}:{d['docid']}"
                    for lang in ("en", "fr"):
                        docs.append(dedup.Document(f"{key}:{lang}", "\n".join(sides[lang])))
                        story[f"{key}:{lang}"] = key
    assert len(docs) == 88
    pred = dedup.scan(docs, ON).pairs()
    gold = {frozenset((f"{s}:en", f"{s}:fr")) for s in set(story.values())}
    assert len(pred & gold) / len(gold) >= 0.9
    assert len(pred & gold) / len(pred) >= 0.98
