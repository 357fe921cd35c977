"""The library as Python users expect it: one path or one text given alone, reports and
clusters as sequences, dates as datetimes, docstrings naming every parameter, and a clear
error for a script that starts workers without ``if __name__ == "__main__":``."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pytest

import dedup
from dedup.model import Role
from tests.conftest import ROOT, SAMPLE

SPOTIFY = SAMPLE / "articles" / "spotify.jsonl"
PAGE = SAMPLE / "articles" / "pages" / "census-9990.html"


@pytest.fixture(scope="module")
def report() -> dedup.Report:
    return dedup.scan([SPOTIFY])


def test_one_path_given_alone_is_one_path(report: dedup.Report) -> None:
    for given in (str(SPOTIFY), SPOTIFY):
        assert dedup.scan(given).to_dict() == report.to_dict()


def test_one_document_given_alone_is_one_document() -> None:
    doc = dedup.Document("a", "Some words of a text that is not copied from anywhere at all.")
    assert dedup.scan(doc).stats.read == 1


@pytest.mark.parametrize("bad", [b"x.jsonl", 42])
def test_what_is_not_inputs_is_refused_naming_the_argument(bad: Any) -> None:
    with pytest.raises(dedup.ConfigError, match=r"^inputs must be"):
        dedup.scan(bad)


def test_minhasher_signs_one_text_given_alone_as_one_text() -> None:
    h = dedup.MinHasher()
    text = "one text of several words, signed as a whole and not a character at a time"
    one = h.signatures(text)
    assert one.shape == (1, 128)
    assert np.array_equal(one, h.signatures([text]))
    with pytest.raises(dedup.ConfigError, match="texts must be a str or a sequence of str"):
        h.signatures([text, 3])  # type: ignore[list-item]


def test_index_query_takes_a_path_or_a_text_and_refuses_what_is_ambiguous(
    tmp_path: Path,
) -> None:
    text = (SAMPLE / "articles" / "pages" / "census-9990.html").read_text("utf-8")
    with dedup.Index.open(tmp_path / "ix.db") as ix:
        ix.add(SAMPLE / "articles" / "pages")  # one path given alone
        by_path = ix.query(PAGE)
        assert [m.id for m in by_path] == [m.id for m in ix.query_many(PAGE).results[0].matches]
        assert by_path  # the page has copies among the others
        with pytest.raises(dedup.ConfigError, match=r"is the name of a file: pass pathlib\.Path"):
            ix.query(str(PAGE))
        with pytest.raises(dedup.ConfigError, match="holds 36 documents; query takes one"):
            ix.query(SPOTIFY)
        empty = tmp_path / "empty.txt"
        empty.write_text("", "utf-8")
        with pytest.raises(dedup.ConfigError, match="holds no document to query: empty file"):
            ix.query(empty)
        with pytest.raises(dedup.ConfigError, match="document_or_text must be"):
            ix.query(42)  # type: ignore[arg-type]
        assert isinstance(ix.query(text[:2000]), list)  # a text with spaces is a text


def test_report_and_cluster_are_sequences(report: dedup.Report) -> None:
    assert len(report) == len(report.clusters) == 5
    assert list(report) == list(report.clusters) and report[0] is report.clusters[0]
    assert report[-1] is report.clusters[-1] and report[1:] == report.clusters[1:]
    c = report[0]
    assert len(c) == len(c.members) and list(c) == list(c.members) and c[0] is c.members[0]
    assert c.origin_member is c[0] and c.origin_member.id == c.origin  # the id is kept
    assert c[1:] == c.copies
    empty = dedup.scan(dedup.Document("a", "too few words"))
    assert len(empty) == 0 and not empty and list(empty) == []


def test_dates_are_datetimes_and_roles_a_literal(report: dedup.Report) -> None:
    member = report[0][0]
    assert member.date == "2018-06-01T07:30:23Z"
    assert member.published == datetime(2018, 6, 1, 7, 30, 23, tzinfo=UTC)
    assert set(get_args(Role)) == {m.role for c in report for m in c} == {"origin", "copy"}
    from dataclasses import replace

    assert replace(member, date="2018-06-01").published == datetime(2018, 6, 1, tzinfo=UTC)
    assert replace(member, date=None).published is None
    assert replace(member, date="not a date").published is None


def _params(fn: Callable[..., Any]) -> list[str]:
    return [p for p in inspect.signature(fn).parameters if p not in ("self", "cls")]


@pytest.mark.parametrize(
    "fn",
    [
        dedup.scan,
        dedup.Index.add,
        dedup.Index.query,
        dedup.Index.query_many,
        dedup.MinHasher,
        dedup.MinHasher.signatures,
    ],
    ids=lambda f: f.__qualname__,
)
def test_help_documents_every_parameter(fn: Callable[..., Any]) -> None:
    doc = inspect.getdoc(fn) or ""
    missing = [p for p in _params(fn) if f"`{p}`" not in doc and f"``{p}" not in doc]
    assert not missing, f"{fn.__qualname__} does not document {missing}"


def test_jobs_in_a_script_without_a_main_guard_names_the_guard(tmp_path: Path) -> None:
    script = tmp_path / "noguard.py"
    script.write_text(
        f"import dedup\nreport = dedup.scan({str(SAMPLE / 'articles')!r}, jobs=2)\n", "utf-8"
    )
    proc = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 1
    guard = 'Put the code that calls dedup under `if __name__ == "__main__":`'
    assert proc.stderr.count(guard) == 1  # the worker's line, not multiprocessing's traceback
    assert "An attempt has been made to start a new process" not in proc.stderr
    assert "dedup.errors.EngineError: a worker process died" in proc.stderr


def test_one_name_a_setting_the_former_names_warn_for_one_version() -> None:
    # shingle_size (--shingle-size, the index's "shingle_size"); input_format (--input-format)
    assert dedup.ShingleConfig(shingle_size=4).shingle_size == 4
    assert dedup.InputConfig(input_format="csv").input_format == "csv"
    with pytest.warns(DeprecationWarning, match=r"ShingleConfig\(size=\.\.\.\) is deprecated"):
        old = dedup.ShingleConfig(size=4)  # type: ignore[call-arg]
    assert old == dedup.ShingleConfig(shingle_size=4)
    with pytest.warns(DeprecationWarning, match=r"ShingleConfig\.size is deprecated"):
        assert old.size == 4  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match=r"InputConfig\(format=\.\.\.\)"):
        assert dedup.InputConfig(format="csv").input_format == "csv"  # type: ignore[call-arg]
    with pytest.warns(DeprecationWarning, match=r"InputConfig\.format is deprecated"):
        assert dedup.InputConfig().format == "auto"  # type: ignore[attr-defined]
    with (
        pytest.raises(dedup.ConfigError, match="give shingle_size only"),
        pytest.warns(DeprecationWarning),
    ):
        dedup.ShingleConfig(shingle_size=4, size=5)  # type: ignore[call-arg]
    with pytest.raises(dedup.ConfigError, match="shingle size must be between 1 and 32"):
        dedup.ShingleConfig(shingle_size=0)


def test_an_index_built_before_the_rename_is_still_read(tmp_path: Path) -> None:
    # the stored settings keep the former key ("shingle.size") and fingerprint
    cfg = dedup.ScanConfig(shingle=dedup.ShingleConfig(shingle_size=4))
    with dedup.Index.open(tmp_path / "i.db", cfg, create=True) as ix:
        ix.add([dedup.Document("a", "one two three four five six seven")])
    with dedup.Index.open(tmp_path / "i.db") as ix:
        assert ix.config.shingle.shingle_size == 4
        assert ix.stats().settings["shingle_size"] == 4
    # the fingerprints indexes built before the rename record (README: index stats)
    assert cfg.fingerprint() == "965ff833e8a2baba"
    assert dedup.ScanConfig().fingerprint() == "1e6ee926aaf830cf"


def test_minhasher_names_the_shingle_size_as_the_config_does() -> None:
    text = "The central bank raised its main rate by a quarter point on Tuesday, as expected."
    new = dedup.MinHasher(num_perm=16, shingle_size=3, seed=1)
    assert new.shingle_size == 3
    with pytest.warns(DeprecationWarning, match=r"MinHasher\(ngram=\.\.\.\) is deprecated"):
        old = dedup.MinHasher(num_perm=16, ngram=3, seed=1)  # type: ignore[call-arg]
    with pytest.warns(DeprecationWarning, match=r"MinHasher\.ngram is deprecated"):
        assert old.ngram == 3  # type: ignore[attr-defined]
    assert (old.signatures(text) == new.signatures(text)).all()
    assert not (new.signatures(text) == dedup.MinHasher(16, 5, 1).signatures(text)).all()
    # the settings' own rules, as ShingleConfig and MinHashConfig check them: ConfigError
    for kwargs, message in [
        ({"shingle_size": 0}, "shingle size must be between 1 and 32"),
        ({"shingle_size": 100}, "shingle size must be between 1 and 32"),
        ({"shingle_size": "5"}, "shingle size must be a whole number, got '5'"),
        ({"shingle_size": 5.5}, "shingle size must be a whole number, got 5.5"),
        ({"num_perm": 0}, "num_perm must be positive"),
        ({"num_perm": True}, "num_perm must be a whole number, got True"),
        ({"seed": -1}, r"minhash seed must be in \[0, 2\*\*64\)"),
        ({"seed": "1"}, "minhash seed must be a whole number"),
    ]:
        with pytest.raises(dedup.ConfigError, match=message):
            dedup.MinHasher(**kwargs)  # type: ignore[arg-type]
        assert issubclass(dedup.ConfigError, ValueError)
