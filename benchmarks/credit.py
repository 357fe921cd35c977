"""Credit detection measured on real pages: `python -m benchmarks.credit`.

Labels: `benchmarks/credit_labels.csv`, articles of ArticleComparisons labelled by reading
them, each with the agency its text credits (empty: none; ``mixed``: an aggregator page
carrying several outlets' snippets, left out) and the reason: 85 Helsinki articles (stratum
``names``: 55 drawn among the articles naming an agency somewhere; ``none``: 30 among the others;
seed 14), on which the rules were written, and all 36 Spotify articles (stratum ``spotify``),
read after, the check on a second set. Photo credits are not story credits (see
`dedup.syndication`).

Printed, for the code of `BASELINE` (read from git history, on the text as given, as it ran
then) and for the code now (on the text as the scan prepares it, paragraph separators found):
recall among the articles whose text credits an agency, false credits (an agency the text does
not credit), credits of outlets (not agencies; not counted either way), and per data set how
many articles get a credit.
"""

from __future__ import annotations

import csv
import gzip
import subprocess
import types
from collections.abc import Callable
from pathlib import Path

from benchmarks.data import REPO_ROOT, dataset_dir, run
from dedup.paragraphs import lined
from dedup.syndication import AGENCIES, credit_clues, credit_from

#: the commit before credit detection learnt real bylines and paragraph separators
BASELINE = "8cb56e5"
LABELS = Path(__file__).with_name("credit_labels.csv")
DATASETS = ("helsinki", "census", "spotify")
_AGENCY_NAMES = frozenset(AGENCIES.values())

Detector = Callable[[str], str | None]


def articles(name: str) -> dict[str, str]:
    """``{"<name>:<id>": text}`` of one ArticleComparisons file."""
    path = dataset_dir("news_syndication_articlecomparisons") / f"{name}_articles.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        return {f"{name}:{row['id']}": row["text"] for row in csv.DictReader(f)}


def now(text: str) -> str | None:
    """The credit a scan gives `text` today."""
    return credit_from(credit_clues(lined(text)))


def baseline() -> Detector | None:
    """`detect_credit` of `BASELINE`, or None without the git history."""
    try:
        source = subprocess.run(
            ["git", "show", f"{BASELINE}:dedup/syndication.py"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("baseline_syndication")
    exec(compile(source, f"{BASELINE}:dedup/syndication.py", "exec"), module.__dict__)
    detect: Detector = module.detect_credit
    return detect


def measure(detect: Detector, labels: list[dict[str, str]], texts: dict[str, str]) -> str:
    """One line: recall, false credits, outlet credits of `detect` on the labelled articles."""
    credited = hits = false = outlets = 0
    wrong: list[str] = []
    for row in labels:
        if row["credit"] == "mixed":
            continue
        got = detect(texts[row["id"]])
        if row["credit"]:
            credited += 1
            hits += got == row["credit"]
        if got in _AGENCY_NAMES and got != row["credit"]:
            false += 1
            wrong.append(f"{row['id']}={got}")
        elif got is not None and got not in _AGENCY_NAMES:
            outlets += 1
    line = (
        f"recall {hits}/{credited} = {hits / credited:.2f}, false credits {false}, "
        f"outlet credits {outlets}"
    )
    return line + (f" ({', '.join(wrong)})" if wrong else "")


def counts(detect: Detector, corpora: dict[str, dict[str, str]]) -> str:
    """Per data set: articles, articles credited, of them to an agency."""
    parts = []
    for name, texts in corpora.items():
        got = [detect(t) for t in texts.values()]
        credited = sum(g is not None for g in got)
        agency = sum(g in _AGENCY_NAMES for g in got)
        parts.append(f"{name} {credited}/{len(texts)} ({agency} agency)")
    return ", ".join(parts)


def main() -> None:
    with LABELS.open(encoding="utf-8", newline="") as f:
        labels = list(csv.DictReader(f))
    corpora = {name: articles(name) for name in DATASETS}
    texts = {k: v for c in corpora.values() for k, v in c.items()}
    n_credit = sum(1 for r in labels if r["credit"] not in ("", "mixed"))
    n_mixed = sum(1 for r in labels if r["credit"] == "mixed")
    print(
        f"labels: {len(labels)} articles read ({n_credit} credit an agency, "
        f"{len(labels) - n_credit - n_mixed} do not, {n_mixed} mixed left out)"
    )
    old = baseline()
    rows: list[tuple[str, Detector]] = []
    if old is not None:
        rows.append((f"before ({BASELINE})", old))
        rows.append(("before, lines split", lambda t: old(lined(t))))
    else:
        print(f"before: not measured (no git history with {BASELINE})")
    rows.append(("now", now))
    sets = {
        "helsinki sample": [r for r in labels if r["stratum"] != "spotify"],
        "spotify (second set)": [r for r in labels if r["stratum"] == "spotify"],
    }
    for label, detect in rows:
        for name, subset in sets.items():
            print(f"{label}: {name}: {measure(detect, subset, texts)}")
        print(f"{label}: credited {counts(detect, corpora)}")


if __name__ == "__main__":
    run(main)
