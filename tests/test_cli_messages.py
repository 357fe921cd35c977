"""Usage errors and warnings in words a user reads: the flag named, never the config field or
an internal error, and a warning that says what is true."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dedup import ConfigError, InputConfig
from dedup.cli import app


@pytest.fixture
def tsv(tmp_path: Path) -> Path:
    path = tmp_path / "d.tsv"
    path.write_text("id\tdate\ttext\na\t2020-01-01\thello there\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--top", "-1"], "--top must be at least 1, got -1"),
        (["--since", "2024-13-45"], "--since must be a day written YYYY-MM-DD"),
        (
            ["--since", "2019-01-01", "--until", "2018-01-01"],
            "--since (2019-01-01) is after --until",
        ),
        (["--sort", "nope"], "--sort must be one of"),
        (["--date-format", "%Y%Y"], "date format (--date-format) '%Y%Y' is not a strptime format"),
        (["--date-format", "%Y-%m-%d %Y"], "is not a strptime format"),
    ],
)
def test_bad_values_are_usage_errors_naming_the_flag(
    tsv: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["scan", str(tsv), "-o", str(tmp_path / "o.json"), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output and "internal error" not in result.output


def test_a_repeated_directive_is_a_config_error_in_the_library() -> None:
    with pytest.raises(ConfigError, match="not a strptime format"):
        InputConfig(date_format="%d%d")


def test_the_no_text_warning_of_a_file_of_one_record(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text('{"id": "a", "body": "some text here"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["scan", str(path), "-o", str(tmp_path / "o.json")])
    assert result.exit_code == 0
    assert "its one record has no non-empty 'text' or 'html' field" in result.output
    assert "try --text-field body" in result.output


def test_extract_takes_the_reading_options_of_scan(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id|date|text\na|31/12/2020|hello there friend\n", encoding="utf-8")
    args = ["extract", str(path), "--delimiter", "|", "--date-format", "%d/%m/%Y"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert '"date": "2020-12-31"' in result.output and "read 1 record:" in result.output
