"""A damaged or read-only index (`dedup.index`): damage is a one-line error naming what is wrong,
a damaged SQLite file is never written to, an index nobody may write is still read."""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dedup.cli import app
from dedup.errors import IndexStoreError
from dedup.index import Index
from tests.conftest import assert_one_line_error

runner = CliRunner()


def _dedup(*args: str) -> Result:
    result = runner.invoke(app, list(args), prog_name="dedup")
    assert "Traceback" not in result.stdout + result.stderr
    return result


def _texts(rng: random.Random, n: int, prefix: str) -> list[dict[str, str]]:
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9))) for _ in range(3000)
    ]
    return [{"id": f"{prefix}{i}", "text": " ".join(rng.choices(words, k=300))} for i in range(n)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """An index of 300 texts (~400 pages of 8 kB), a JSONL file of them, and 10 new texts."""
    root = tmp_path_factory.mktemp("ixfaults")
    rng = random.Random(5)
    docs, more = _texts(rng, 300, "d"), _texts(rng, 10, "n")
    indexed, new = root / "docs.jsonl", root / "more.jsonl"
    indexed.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    new.write_text("".join(json.dumps(d) + "\n" for d in more), encoding="utf-8")
    with Index.open(root / "index.db") as ix:
        ix.add([indexed])
    return root / "index.db", indexed, new


def _copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_overwritten_pages_are_refused_for_writing_and_reported_when_read(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    index, docs, more = built
    bad = _copy(index, tmp_path / "bad.db")
    rng = random.Random(1)
    with bad.open("r+b") as fh:  # garbage over every 7th page from 100 on, past the header
        for page in range(100, 300, 7):
            fh.seek(page * 8192 + 100)
            fh.write(rng.randbytes(4000))
    before = _digest(bad)
    line = assert_one_line_error(_dedup("index", "add", str(more), "--index", str(bad)), 1)
    assert "damaged index (" in line and "not written to" in line, line
    line = assert_one_line_error(
        _dedup("index", "remove", "d1", "--index", str(bad)), 1, "damaged index"
    )
    assert _digest(bad) == before
    # a query is refused the same way, whichever pages it would read
    line = assert_one_line_error(_dedup("index", "query", str(docs), "--index", str(bad)), 1)
    assert "damaged index (" in line and "not queried" in line, line
    with Index.open(bad) as ix, pytest.raises(IndexStoreError, match="not queried"):
        ix.query("a text that reads none of the damaged pages")
    # the sound file takes the same documents
    good = _copy(index, tmp_path / "good.db")
    assert _dedup("index", "add", str(more), "--index", str(good)).exit_code == 0


@pytest.mark.parametrize("column", ["signature", "shingles", "layout"])
def test_a_bad_blob_names_the_document(
    built: tuple[Path, Path, Path], tmp_path: Path, column: str
) -> None:
    index, docs, _ = built
    bad = _copy(index, tmp_path / "bad.db")
    with sqlite3.connect(bad) as con:
        con.execute(f"UPDATE docs SET {column} = x'01020304050607' WHERE id = 'd5'")
    con.close()
    d5 = json.loads(docs.read_text(encoding="utf-8").splitlines()[5])
    if column == "signature":  # read when the document is replaced
        again = tmp_path / "d5.jsonl"
        again.write_text(json.dumps(d5) + "\n", encoding="utf-8")
        args = ["index", "add", str(again), "--on-duplicate", "replace", "--index", str(bad)]
    else:  # read when a query finds it
        copy = tmp_path / "q5.jsonl"
        copy.write_text(json.dumps({**d5, "id": "q5"}) + "\n", encoding="utf-8")
        args = ["index", "query", str(copy), "--index", str(bad)]
    assert_one_line_error(
        _dedup(*args), 1, f"damaged index: document 'd5': its {column} blob is unreadable"
    )


@pytest.mark.parametrize(
    ("key", "value", "needle"),
    [
        ("minhash.bands", "abc", "minhash.bands is 'abc', not a number"),
        ("minhash.num_perm", "-3", "unreadable index settings"),
        ("candidates.max_df", "x", "unreadable index settings"),
        ("format_version", "99", "format version 99"),
    ],
)
def test_a_hand_edited_setting_is_one_line(
    built: tuple[Path, Path, Path], tmp_path: Path, key: str, value: str, needle: str
) -> None:
    bad = _copy(built[0], tmp_path / "bad.db")
    with sqlite3.connect(bad) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    con.close()
    assert_one_line_error(_dedup("index", "stats", "--index", str(bad)), 1, needle)
    with pytest.raises(IndexStoreError, match=needle):
        Index.open(bad, create=False)


def _read_only_copy(built: tuple[Path, Path, Path], tmp_path: Path) -> Path:
    folder = tmp_path / "ro"
    folder.mkdir()
    index = _copy(built[0], folder / "index.db")
    index.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    return index


def test_read_only_opening_reads_and_refuses_writes(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    # asked for explicitly: works whoever runs it, root included
    index = _read_only_copy(built, tmp_path)
    try:
        with Index.open(index, read_only=True) as ix:
            assert ix.stats().documents == 300
            text = json.loads(built[1].read_text(encoding="utf-8").splitlines()[7])["text"]
            assert [m.id for m in ix.query(text)][:1] == ["d7"]
            with pytest.raises(IndexStoreError, match="opened read-only"):
                ix.add([built[2]])
        if os.access(index.parent, os.W_OK):  # root: SQLite may create -shm and -wal
            return
        # immutable in a directory it may not write to: nothing created beside the file
        assert sorted(p.name for p in index.parent.iterdir()) == ["index.db"]
    finally:
        index.parent.chmod(stat.S_IRWXU)


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="run as root: chmod does not stop root writing, so the directory is not read-only",
)
def test_cli_reads_an_index_in_a_read_only_directory(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    index = _read_only_copy(built, tmp_path)
    try:
        done = _dedup("index", "stats", "--index", str(index))
        assert done.exit_code == 0, done.stderr
        assert "documents: 300" in done.stdout
        done = _dedup("index", "query", str(built[2]), "--index", str(index))
        assert done.exit_code == 0, done.stderr
        line = assert_one_line_error(
            _dedup("index", "add", str(built[2]), "--index", str(index)), 1
        )
        assert "opened read-only" in line
    finally:
        index.parent.chmod(stat.S_IRWXU)


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("redis://[::1", "redis://[::1: not a Redis location"),
        ("redis://u:secret@[::1", "redis://***@[::1: not a Redis location"),
        ("redis://localhost:x/0", "not a Redis location (Port could not be cast"),
    ],
)
def test_a_malformed_redis_location_is_one_line(location: str, shown: str) -> None:
    line = assert_one_line_error(_dedup("index", "stats", "--index", location), 1, shown)
    assert "secret" not in line


def test_a_bad_blob_on_redis_names_the_document(
    built: tuple[Path, Path, Path], redis_index: str, tmp_path: Path
) -> None:
    import redis

    _, docs, _ = built
    first = tmp_path / "few.jsonl"
    first.write_text("\n".join(docs.read_text(encoding="utf-8").splitlines()[:20]) + "\n")
    with Index.open(redis_index) as ix:
        ix.add([first])
    prefix = redis_index.split("prefix=", 1)[1]
    client = redis.Redis.from_url(redis_index.split("?", 1)[0])
    client.hset(f"{prefix}d:d5", "sh", b"\x01\x02\x03")
    client.close()
    d5 = json.loads(docs.read_text(encoding="utf-8").splitlines()[5])
    copy = tmp_path / "q5.jsonl"
    copy.write_text(json.dumps({**d5, "id": "q5"}) + "\n", encoding="utf-8")
    assert_one_line_error(
        _dedup("index", "query", str(copy), "--index", redis_index),
        1,
        "damaged index: document 'd5': its shingles blob is unreadable",
    )


def _overwrite_layout(path: Path, doc_id: str, at: int, value: int) -> None:
    """Overwrite, in the file itself (as a disk fault would, behind SQLite's back), the
    little-endian int32 at byte `at` of the stored layout of `doc_id`."""
    with sqlite3.connect(path) as con:
        (blob,) = con.execute("SELECT layout FROM docs WHERE id = ?", (doc_id,)).fetchone()
    con.close()
    raw = bytearray(path.read_bytes())
    where = raw.find(bytes(blob[:64]))
    assert where > 0 and raw.find(bytes(blob[:64]), where + 1) < 0
    raw[where + at : where + at + 4] = value.to_bytes(4, "little", signed=True)
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("at", "value", "needle"),
    [
        (16, 0x5E3A_1B7F, "a shingle position is outside its"),  # order[0]
        (24, -7, "a shingle position is outside its"),  # order[2]
        (4, 0, "shingle positions do not fit 0 words and"),  # the word count, sizes kept whole
    ],
)
def test_a_damaged_layout_is_named_by_query_and_check(
    built: tuple[Path, Path, Path], tmp_path: Path, at: int, value: int, needle: str
) -> None:
    index, docs, _ = built
    bad = _copy(index, tmp_path / "bad.db")
    if at == 4:  # keep the blob's size consistent: move two words into the sentence count
        with sqlite3.connect(bad) as con:
            (blob,) = con.execute("SELECT layout FROM docs WHERE id = 'd5'").fetchone()
        con.close()
        nw = int.from_bytes(blob[4:8], "little")
        ns = int.from_bytes(blob[8:12], "little")
        _overwrite_layout(bad, "d5", 8, ns + nw)
    _overwrite_layout(bad, "d5", at, value)
    d5 = json.loads(docs.read_text(encoding="utf-8").splitlines()[5])
    copy = tmp_path / "q5.jsonl"
    copy.write_text(json.dumps({**d5, "id": "q5"}) + "\n", encoding="utf-8")
    assert_one_line_error(
        _dedup("index", "query", str(copy), "--index", str(bad)),
        1,
        "damaged index: document 'd5': ",
        needle,
    )
    with Index.open(bad) as ix, pytest.raises(IndexStoreError, match="document 'd5'"):
        ix.query_many([copy])
    checked = _dedup("index", "stats", "--check", "--index", str(bad))
    assert checked.exit_code == 1
    assert "document 'd5'" in checked.stdout + checked.stderr
    assert "check: ok" not in checked.stdout
    good = _dedup("index", "stats", "--check", "--index", str(index))
    assert good.exit_code == 0 and "check: ok" in good.stdout
