"""Inputs as users bring them: exports whose text is under another field name (one skip that
says which fields there are and which option maps them), standard input, TSV and other CSV
delimiters, JSON array files, and paths that overlap (each file read once)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import dedup
from dedup.config import InputConfig
from dedup.errors import ConfigError
from dedup.model import Skip
from dedup.sources import iter_files, read_paths, sniff_format
from dedup.sources.csvfile import delimiter_hint, sniff_delimiter
from tests.conftest import ROOT, SAMPLE

SPOTIFY = SAMPLE / "articles" / "spotify.jsonl"
RECORDS = [json.loads(line) for line in SPOTIFY.read_text("utf-8").splitlines()]
#: the sample's scan of spotify.jsonl: 36 records, 5 clusters, 14 copies
EXPECTED = (36, 36, 5, 14)


def counts(report: dedup.Report) -> tuple[int, int, int, int]:
    s = report.stats
    return (s.read, s.extracted, s.clusters, s.copies)


def renamed(path: Path, **names: str) -> Path:
    """spotify.jsonl with its fields renamed (old=new)."""
    with open(path, "w", encoding="utf-8") as fh:
        for r in RECORDS:
            fh.write(json.dumps({names.get(k, k): v for k, v in r.items()}) + "\n")
    return path


def write_csv(path: Path, header: list[str], keys: list[str], delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        for r in RECORDS:
            w.writerow([r.get(k, "") for k in keys])
    return path


def items(path: Path, cfg: InputConfig | None = None) -> list[object]:
    return [x for _, x in read_paths([path], cfg or InputConfig())]


# --- a file whose records have no text: one skip naming the fields and the option ---------


def test_jsonl_with_text_under_body_is_one_skip_naming_fields_and_option(tmp_path: Path) -> None:
    path = renamed(tmp_path / "body.jsonl", text="body")
    (skip,) = items(path)
    assert isinstance(skip, Skip)
    assert skip.location == "lines 1-36"
    assert skip.reason == (
        "no record has text: none of its 36 records has a non-empty 'text' or 'html' field; "
        "fields: 'id', 'url', 'site', 'date', 'title', 'body'; try --text-field body"
    )
    assert skip.records == 36 and skip.to_dict()["records"] == 36
    # the file's records are counted, as skipped, in one listed skip
    s = dedup.scan(path).stats
    assert (s.read, s.skipped, len(dedup.scan(path).skipped)) == (36, 36, 1)
    # the option it names reads the file
    report = dedup.scan(path, dedup.ScanConfig(input=InputConfig(text_field="body")))
    assert counts(report) == EXPECTED


def test_csv_columns_suggest_text_site_and_date_fields(tmp_path: Path) -> None:
    keys = ["id", "title", "text", "site", "date"]
    path = write_csv(
        tmp_path / "pub.csv", ["id", "headline", "body", "publisher", "scrape_time"], keys
    )
    (skip,) = items(path)
    assert isinstance(skip, Skip)
    assert skip.reason.endswith(
        "try --text-field body --site-field publisher --date-field scrape_time"
        " --title-field headline"
    )
    assert "'publisher', 'scrape_time'" in skip.reason
    cfg = InputConfig(text_field="body", site_field="publisher", date_field="scrape_time")
    report = dedup.scan(path, dedup.ScanConfig(input=cfg))
    assert counts(report) == EXPECTED
    sites = {m.site for c in report for m in c}  # from the publisher column
    assert None not in sites and sites <= {r["site"] for r in RECORDS}


def test_the_longest_field_is_suggested_when_no_known_name_is_there(tmp_path: Path) -> None:
    path = renamed(tmp_path / "x.jsonl", text="words_of_story")
    (skip,) = items(path)
    assert isinstance(skip, Skip) and skip.reason.endswith("try --text-field words_of_story")


def test_records_without_text_in_a_file_with_text_are_each_a_skip(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [{"id": "a", "title": "no text"}, RECORDS[0], {"id": "b", "body": "x"}]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    got = items(path)
    found = [x for x in got if isinstance(x, Skip)]
    assert [s.location for s in found] == ["line 1", "line 3"]
    assert all(s.reason.startswith("record has no text") for s in found)
    assert len(got) == 3


def test_the_hint_is_on_stderr_once(tmp_path: Path) -> None:
    path = renamed(tmp_path / "body.jsonl", text="body")
    proc = _dedup("scan", str(path), "--format", "json", "--jobs", "1")
    assert proc.returncode == 0
    hints = [line for line in proc.stderr.splitlines() if "--text-field body" in line]
    assert hints == [f"dedup: warning: {path}:lines 1-36: " + items(path)[0].reason]  # type: ignore[attr-defined]


# --- standard input -------------------------------------------------------------------------


def _dedup(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", "from dedup.cli import main; main()", *args],
        input=stdin.decode("utf-8") if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_standard_input_is_read_with_its_format_sniffed(name: str) -> None:
    proc = _dedup("scan", name, "--format", "json", "--jobs", "1", stdin=SPOTIFY.read_bytes())
    assert proc.returncode == 0, proc.stderr
    stats = json.loads(proc.stdout)["stats"]
    assert (stats["files"], stats["read"], stats["clusters"], stats["copies"]) == (1, 36, 5, 14)


def test_standard_input_as_csv_needs_input_format(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ["id", "text"], ["id", "text"])
    proc = _dedup("scan", "-", "--format", "json", "--jobs", "1", stdin=path.read_bytes())
    assert proc.returncode == 0
    (skip,) = json.loads(proc.stdout)["skipped"]
    assert skip["source"] == "<stdin>"
    assert skip["reason"] == (
        "cannot tell the format of standard input from its first bytes (give --input-format)"
    )
    proc = _dedup(
        "scan", "-", "--input-format", "csv", "-f", "json", "-j", "1", stdin=path.read_bytes()
    )
    assert json.loads(proc.stdout)["stats"]["clusters"] == 5


def test_sniffed_formats() -> None:
    assert sniff_format(b'\xef\xbb\xbf  {"id": 1}') == "jsonl"
    assert sniff_format(b"\n[{}]") == "json"
    assert sniff_format(b"WARC/1.0\r\n") == "warc"
    assert sniff_format(b"<!doctype html>") == "html"
    assert sniff_format(b"id,text\n") is None


# --- CSV delimiters, TSV --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "want"),
    [("id,text", ","), ("id\ttext", "\t"), ("id;text;url", ";"), ("id|text", "|"), ("text", None)],
)
def test_the_delimiter_is_sniffed_from_the_header(header: str, want: str | None) -> None:
    assert sniff_delimiter(header + "\n") == want


@pytest.mark.parametrize(("name", "delimiter"), [("a.csv", ";"), ("a.csv", "\t"), ("a.tsv", "\t")])
def test_other_delimiters_and_tsv_read_the_same(tmp_path: Path, name: str, delimiter: str) -> None:
    path = write_csv(tmp_path / name, ["id", "text", "site"], ["id", "text", "site"], delimiter)
    assert counts(dedup.scan(path)) == EXPECTED


def test_delimiter_option_overrides_the_sniffer(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ["id", "text"], ["id", "text"], "|")
    assert counts(dedup.scan(path, dedup.ScanConfig(input=InputConfig(delimiter="|")))) == EXPECTED
    # a wrong delimiter: the header is one column, no record has text, said once
    wrong = dedup.scan(path, dedup.ScanConfig(input=InputConfig(delimiter=";"))).skipped
    assert [s.reason.startswith("no record has text") for s in wrong].count(True) == 1
    with pytest.raises(ConfigError, match="delimiter must be one character"):
        InputConfig(delimiter=";;")
    proc = _dedup("scan", str(path), "--delimiter", "|", "-f", "json", "-j", "1")
    assert json.loads(proc.stdout)["stats"]["clusters"] == 5


# --- JSON array files -----------------------------------------------------------------------


def test_a_json_array_file_is_read_record_by_record(tmp_path: Path) -> None:
    path = tmp_path / "all.json"
    path.write_text(json.dumps([*RECORDS, 7, {"id": "x", "text": 3}]), "utf-8")
    report = dedup.scan(path)
    assert (report.stats.extracted, report.stats.clusters, report.stats.copies) == (36, 5, 14)
    assert [(s.location, s.reason) for s in report.skipped] == [
        ("record 37", "not a JSON object but a number"),
        ("record 38", "field 'text' is not a string"),
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[", "malformed JSON at line 1 column 2: Expecting value"),
        ('"text"', "not a JSON array of records but a str"),
        ("[]", "empty JSON array"),
        ("  ", "empty file"),
    ],
)
def test_bad_json_files_are_one_skip(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    (skip,) = items(path)
    assert isinstance(skip, Skip) and skip.reason == reason


def test_a_json_file_of_one_object_is_one_record(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(RECORDS[0]), "utf-8")
    (rec,) = items(path)
    assert getattr(rec, "id", None) == RECORDS[0]["id"]


# --- overlapping paths ----------------------------------------------------------------------


def test_overlapping_paths_read_each_file_once() -> None:
    once = dedup.scan(SAMPLE)
    for paths in ([SAMPLE, SAMPLE / "articles", SPOTIFY], [SAMPLE / "articles", SAMPLE]):
        both = dedup.scan(paths)
        assert counts(both) == counts(once)
        assert both.stats.skipped == once.stats.skipped == 1  # sample/SOURCE.md, not read
    files = [shown for _, shown in iter_files([SAMPLE, SAMPLE / "articles"])]
    assert len(files) == len(set(files)) == once.stats.files


def test_an_index_add_counts_the_records_of_a_file_without_text(tmp_path: Path) -> None:
    path = renamed(tmp_path / "body.jsonl", text="body")
    with dedup.Index.open(tmp_path / "ix.db") as ix:
        got = ix.add(path)
    assert (got.read, len(got.skipped), got.to_dict()["stats"]["skipped"]) == (36, 1, 36)


def test_overlapping_paths_in_an_index_add_read_each_file_once(tmp_path: Path) -> None:
    with dedup.Index.open(tmp_path / "ix.db") as ix:
        got = ix.add([SPOTIFY, SAMPLE / "articles"])
    assert got.skipped == ()
    assert got.read == 36 + 32  # the JSONL's records and the 32 pages, each once


def test_standard_input_on_a_terminal_is_an_error_not_a_wait() -> None:
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", "from dedup.cli import main; main()", "scan", "-", "-f", "json"],
        stdin=follower,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    os.close(follower)
    os.close(leader)
    assert proc.returncode == 1
    assert proc.stderr == (
        "dedup: error: -: standard input is a terminal: pipe or redirect the input to read "
        "(dedup scan - < export.jsonl)\n"
    )


def test_a_json_array_cut_before_its_end_keeps_the_complete_records(tmp_path: Path) -> None:
    whole = json.dumps(RECORDS[:3], indent=1)
    cut = tmp_path / "cut.json"
    cut_text = whole[: whole.index('"id"', whole.index(RECORDS[2]["id"]) - 10) + 8]
    cut.write_text(cut_text, "utf-8")
    got = items(cut)
    assert [getattr(r, "id", None) for r in got[:2]] == [RECORDS[0]["id"], RECORDS[1]["id"]]
    (skip,) = got[2:]
    assert isinstance(skip, Skip) and skip.location == "record 3"
    assert skip.reason.startswith("JSON array broken off after record 2 (malformed JSON at line")
    # where it broke: the unterminated string on the last line; the skip is record 3, once
    assert f"at line {cut_text.count(chr(10)) + 1} column" in skip.reason and skip.records == 1
    report = dedup.scan(cut)
    assert (report.stats.read, report.stats.extracted, report.stats.skipped) == (3, 2, 1)
    # no closing bracket: every record read, one skip saying where the file ends before it;
    # it stands for no record (none was lost), so the counts are those of the records
    unclosed = tmp_path / "unclosed.json"
    text = whole.rstrip().removesuffix("]")
    unclosed.write_text(text, "utf-8")
    *recs, skip = items(unclosed)
    end = f"line {text.count(chr(10)) + 1} column {len(text.rsplit(chr(10), 1)[-1]) + 1}"
    assert len(recs) == 3 and isinstance(skip, Skip) and skip.location == end
    assert skip.records == 0
    assert f"the file ends before the closing ] at {end}" in skip.reason
    report = dedup.scan(unclosed)
    assert (report.stats.read, report.stats.extracted, report.stats.skipped) == (3, 3, 0)
    assert [s.location for s in report.skipped] == [end]
    # a damaged record in the middle whose end its brackets still show: one skip located at
    # it, the records before and after it read
    damaged = tmp_path / "damaged.json"
    damaged.write_text(whole.replace(f'"{RECORDS[1]["id"]}"', RECORDS[1]["id"]), "utf-8")
    first, skip, third = items(damaged)
    assert [getattr(r, "id", None) for r in (first, third)] == [RECORDS[0]["id"], RECORDS[2]["id"]]
    assert isinstance(skip, Skip) and skip.location == "record 2"
    assert skip.reason.startswith("malformed JSON at line ") and "Expecting value" in skip.reason


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        ("id:text:site", "the header line looks delimited by ':': try --delimiter :"),
        ("id^text^site", "the header line looks delimited by '^': try --delimiter '^'"),
        ("text", None),  # one column: no hint
        ("published_at", None),  # a name's own punctuation is no delimiter
        ("id:", None),  # nothing on one side: no delimiter
    ],
)
def test_a_header_the_sniffer_cannot_split_hints_at_delimiter(
    header: str, hint: str | None
) -> None:
    assert sniff_delimiter(header) is None
    assert delimiter_hint(header) == hint


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        ("id|text, sub|site", "the header line looks delimited by '|': try --delimiter '|'"),
        ("id|title, sub|text|site", "the header line looks delimited by '|': try --delimiter '|'"),
        ("id;title, sub;body;site", "the header line looks delimited by ';': try --delimiter ';'"),
        ("id,text|x,site", None),  # the text column is there: records can have text
        ("id,body|x,site", None),  # '|' splits it into fewer known names than the comma
        ("a|b, c|d", None),  # no known name either way
    ],
)
def test_a_header_split_by_the_wrong_delimiter_hints_at_another(
    header: str, hint: str | None
) -> None:
    assert sniff_delimiter(header) == ","
    assert delimiter_hint(header, ",", InputConfig()) == hint


def test_a_csv_sniffed_with_the_wrong_delimiter_gets_one_warning_naming_delimiter(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.csv"
    write_csv(path, ["id", "title, sub", "text", "site"], ["id", "title", "text", "site"], "|")
    assert path.read_text(encoding="utf-8").startswith("id|title, sub|text|site\n")
    proc = _dedup("scan", str(path), "-f", "json", "-j", "1")
    report = json.loads(proc.stdout)
    assert report["stats"]["clusters"] == 0  # read with a comma: no record has text
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("dedup: warning:")]
    assert len(warnings) == 1, proc.stderr
    assert "looks delimited by '|': try --delimiter '|'" in warnings[0]
    assert "--text-field" not in proc.stderr  # not the hint of a file with other names
    fixed = _dedup("scan", str(path), "--delimiter", "|", "-f", "json", "-j", "1")
    assert json.loads(fixed.stdout)["stats"]["clusters"] == 5 and "warning" not in fixed.stderr


def test_a_csv_with_another_delimiter_gets_one_warning_naming_delimiter(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ["id", "text", "site"], ["id", "text", "site"], "^")
    proc = _dedup("scan", str(path), "-f", "json", "-j", "1")
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("dedup: warning:")]
    assert len(warnings) == 1, proc.stderr
    assert "looks delimited by '^': try --delimiter '^'" in warnings[0]
    assert warnings[0].startswith(f"dedup: warning: {path}:line ")
    fixed = _dedup("scan", str(path), "--delimiter", "^", "-f", "json", "-j", "1")
    assert json.loads(fixed.stdout)["stats"]["clusters"] == 5 and "warning" not in fixed.stderr


# --- one bad record costs only itself -------------------------------------------------------


def _ids(got: list[object]) -> list[str | None]:
    return [getattr(r, "id", None) for r in got if not isinstance(r, Skip)]


def _skips(got: list[object]) -> list[tuple[str | None, str]]:
    return [(s.location, s.reason) for s in got if isinstance(s, Skip)]


def test_a_stray_nul_in_the_first_bytes_costs_only_its_record(tmp_path: Path) -> None:
    lines = [json.dumps(r) for r in RECORDS[:4]]
    lines[1] = lines[1].replace('", "', '\x00", "', 1)  # a NUL inside record 2, in the first KiB
    path = tmp_path / "nul.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    got = items(path)
    assert _ids(got) == [RECORDS[i]["id"] for i in (0, 2, 3)]
    ((where, why),) = _skips(got)
    assert where == "line 2" and why.startswith("malformed JSON at column ")
    report = dedup.scan(path)
    assert (report.stats.read, report.stats.extracted, report.stats.skipped) == (4, 3, 1)
    # in a CSV file the row holding it is read (its text keeps the NUL: a character like any)
    table = write_csv(tmp_path / "nul.csv", ["id", "text"], ["id", "text"])
    text = table.read_text("utf-8")
    table.write_text(text.replace("\n", "\x00\n", 2).replace("\x00\n", "\n", 1), "utf-8")
    assert _ids(items(table)) == [r["id"] for r in RECORDS]
    # NUL bytes among many control bytes, or in bytes that are not UTF-8, are a binary file
    for name, data in [
        ("ctl.jsonl", b'{"id": "a"}\n' + bytes(range(32)) * 4),
        ("latin.csv", b"id,text\n1,caf\xe9\x00\n"),
    ]:
        (tmp_path / name).write_bytes(data)
        assert _skips(items(tmp_path / name)) == [(None, "binary file, not text")]


@pytest.mark.parametrize(
    ("name", "layout", "where"),
    [
        ("deep.json", "[{0},{1},{deep},{2}]", "record 3"),
        ("deep.jsonl", '{0}\n{{"text": {deep}}}\n{1}\n{2}\n', "line 2"),
    ],
)
def test_an_element_nested_too_deeply_is_one_located_skip(
    tmp_path: Path, name: str, layout: str, where: str
) -> None:
    path = tmp_path / name
    deep = "[" * 200_000 + "]" * 200_000
    path.write_text(layout.format(*(json.dumps(r) for r in RECORDS[:3]), deep=deep), "utf-8")
    got = items(path)
    assert _ids(got) == [r["id"] for r in RECORDS[:3]]
    assert _skips(got) == [
        (where, "JSON nested too deeply (too many levels of [ ] or { } to read)")
    ]
    report = dedup.scan(path)
    assert (report.stats.read, report.stats.extracted, report.stats.skipped) == (4, 3, 1)


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
def test_csv_and_jsonl_with_any_line_end_are_read(tmp_path: Path, end: str) -> None:
    table = write_csv(tmp_path / "a.csv", ["id", "text"], ["id", "text"])
    text = table.read_text("utf-8").replace("\r\n", "\n")
    table.write_bytes(text.replace("\n", end).encode("utf-8"))
    got = items(table)
    assert _ids(got) == [r["id"] for r in RECORDS] and not _skips(got)
    lines = tmp_path / "a.jsonl"
    lines.write_bytes(end.join(json.dumps(r) for r in RECORDS).encode("utf-8") + end.encode())
    assert _ids(items(lines)) == [r["id"] for r in RECORDS]


def test_a_csv_error_is_a_located_skip(tmp_path: Path) -> None:
    path = tmp_path / "cr.csv"
    path.write_bytes(b"id,text\n1,one two\n2,bro\rken\n3,three four\n")
    got = items(path)
    assert _ids(got) == ["1", "3"]
    assert _skips(got) == [("line 3", "malformed CSV: a line break (CR) inside an unquoted field")]
    path.write_bytes(b"id,te\rxt\n1,one two\n")
    assert _skips(items(path)) == [
        (
            "line 1",
            "malformed CSV header, file not read: a line break (CR) inside an unquoted field",
        )
    ]


def test_max_record_bytes_applies_to_each_element_of_a_json_array(tmp_path: Path) -> None:
    big = {"id": "big", "text": "word " * 30_000}
    path = tmp_path / "big.json"
    path.write_text(json.dumps([RECORDS[0], big, RECORDS[1]]), "utf-8")
    got = items(path, InputConfig(max_record_bytes=20_000))
    assert _ids(got) == [RECORDS[0]["id"], RECORDS[1]["id"]]
    assert _skips(got) == [("record 2", "record over 20,000 bytes (--max-record-bytes), not read")]
    assert _ids(items(path)) == [RECORDS[0]["id"], "big", RECORDS[1]["id"]]  # under the default
    one = tmp_path / "one.json"
    one.write_text(json.dumps(big), "utf-8")
    assert _skips(items(one, InputConfig(max_record_bytes=20_000))) == [
        (None, "record over 20,000 bytes (--max-record-bytes), not read")
    ]


def test_a_csv_header_naming_a_column_twice_reads_the_first_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("id,text,text,site,site\n1,first,second,a.com,b.com\n", "utf-8")
    got = items(path)
    (rec,) = [r for r in got if not isinstance(r, Skip)]
    assert (getattr(rec, "text", None), getattr(rec, "site", None)) == ("first", "a.com")
    (warning,) = [s for s in got if isinstance(s, Skip)]
    assert (warning.location, warning.records) == ("line 1", 0)
    assert warning.reason == (
        "header repeats column 'text' (columns 2, 3); 'site' (columns 4, 5):"
        " the first of each is read"
    )
    report = dedup.scan(path)
    assert (report.stats.read, report.stats.extracted, report.stats.skipped) == (1, 1, 0)
    assert [s.reason for s in report.skipped] == [warning.reason]  # listed, counting no record
