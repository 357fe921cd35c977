"""`--format html` in a real browser: Debian's Chromium, headless, driven by playwright.

The page is opened from a file, as a user would; every test records the page's console
messages, uncaught errors, dialogs and network requests, and asserts on the rendered DOM.
The tests skip, saying why, where Chromium or playwright is absent (`.ci/run` installs both).
With DEDUP_UPDATE_SCREENSHOT=1 the sample's test writes docs/report.png and
docs/report-cluster.png, the pictures README shows.
"""

from __future__ import annotations

import gzip
import json
import os
import pty
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import dedup
from dedup.cli import app
from dedup.model import Report
from dedup.output.html import data_json, render_html
from tests.conftest import FIXTURES, ROOT, SHARED_DATA

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SAMPLE = ROOT / "sample" / "articles"
HOSTILE = FIXTURES / "html_report" / "hostile.jsonl"
BBC = SHARED_DATA / "news_bbc_2225" / "bbc_articles.jsonl.gz"
SCREENSHOT = ROOT / "docs" / "report.png"
SCREENSHOT_CLUSTER = ROOT / "docs" / "report-cluster.png"

try:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright
except ImportError:  # pragma: no cover - a fresh clone without the test extra
    sync_playwright = None

needs_browser = pytest.mark.skipif(
    sync_playwright is None or not os.access(CHROMIUM, os.X_OK),
    reason="needs playwright (pip install -e '.[test]') and Chromium at /usr/bin/chromium "
    "(apt-get install chromium); .ci/run installs both",
)

#: the machine's network is closed: nothing of Chromium's own may try to reach it
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --- the pure renderer: no browser needed ------------------------------------------------------


def test_data_block_holds_no_markup_and_reads_back() -> None:
    data = {"t": "</script><!-- <b>&amp; \u2028 \udcff", "n": 1}
    text = data_json(data)
    for ch in "<>&\u2028\udcff":
        assert ch not in text
    assert json.loads(text) == data


def test_page_is_deterministic_and_self_contained() -> None:
    report = dedup.scan([HOSTILE])
    docs = dedup.report_documents(report, [HOSTILE])
    texts = {i: d.text for i, d in docs.items()}
    page = render_html(report, texts)
    assert page == render_html(report, dict(reversed(list(texts.items()))))
    page.encode("utf-8")  # no lone surrogate: it writes as UTF-8
    lowered = page.lower()
    # the only tags are the page's own: what the input holds is inside the JSON block, escaped
    assert lowered.count("<script") == 2 and lowered.count("</script>") == 2
    assert "<textarea" not in lowered and "</textarea" not in lowered
    # the page's own parts (all but the data) refer to nothing outside the page
    head, rest = page.split('type="application/json">')
    own = head + rest.split("</script>", 1)[1]
    assert "onmouseover" not in own
    for ref in ("src=", "href=", "@import", "url(", "<link", "<iframe", "<img"):
        assert ref not in own.replace("url(#arrow)", ""), ref
    assert own.count("://") == own.count("http://www.w3.org/2000/svg")  # a namespace only


def test_cli_writes_the_page_to_a_file_or_a_pipe(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    runner = CliRunner()
    res = runner.invoke(app, ["scan", str(HOSTILE), "-f", "html", "-o", str(out), "-q"])
    assert res.exit_code == 0, res.stderr
    report = dedup.scan([HOSTILE])
    docs = dedup.report_documents(report, [HOSTILE])
    assert out.read_text("utf-8") == render_html(report, {i: d.text for i, d in docs.items()})
    # to a pipe it goes to stdout; CliRunner's stdout is not a terminal
    res = runner.invoke(app, ["scan", str(HOSTILE), "-f", "html", "-q"])
    assert res.exit_code == 0 and res.stdout == out.read_text("utf-8")


def test_cli_does_not_write_a_page_on_a_terminal() -> None:
    main, sub = pty.openpty()
    try:
        res = subprocess.run(
            [
                sys.executable,
                "-c",
                "from dedup.cli import main; main()",
                "scan",
                str(HOSTILE),
                "-f",
                "html",
            ],
            stdout=sub,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=120,
        )
    finally:
        os.close(sub)
        os.close(main)
    assert res.returncode == 2
    assert res.stderr.decode().strip() == (
        "dedup: error: --format html writes a page for a browser: give --output FILE"
    )


# --- in the browser ----------------------------------------------------------------------------


@dataclass
class Opened:
    page: Page
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def clean(self, url: str) -> None:
        """No console message of level error or warning, no uncaught error, no dialog, and
        no request but the page's own file."""
        assert self.console == [] and self.errors == [], (self.console, self.errors)
        assert self.dialogs == []
        assert self.requests == [url], self.requests


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if sync_playwright is None or not os.access(CHROMIUM, os.X_OK):
        pytest.skip("needs playwright and Chromium (see needs_browser)")
    with sync_playwright() as p:
        # playwright gives each launch a fresh, temporary user-data-dir of its own
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def _open(browser: Browser, path: Path, width: int = 1280, height: int = 900) -> Opened:
    page = browser.new_page(viewport={"width": width, "height": height})
    o = Opened(page)

    def on_console(m: ConsoleMessage) -> None:
        if m.type in ("error", "warning"):
            o.console.append(f"{m.type}: {m.text}")

    def on_request(r: Request) -> None:
        o.requests.append(r.url)

    page.on("console", on_console)
    page.on("pageerror", lambda e: o.errors.append(str(e)))
    page.on("request", on_request)
    page.on("dialog", lambda d: (o.dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-ready]", timeout=60_000)
    return o


def _write(report: Report, inputs: list[Path], out: Path) -> Path:
    docs = dedup.report_documents(report, inputs)
    out.write_text(render_html(report, {i: d.text for i, d in docs.items()}), "utf-8")
    return out


#: the bidi controls the page shows as escapes (as `dedup.output.literal` does on a terminal)
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(text: str) -> str:
    return BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _shown(page: Page) -> int:
    return int(page.locator("#shown-count").text_content() or "-1")


@needs_browser
def test_sample_report(browser: Browser, tmp_path: Path) -> None:
    report = dedup.scan([SAMPLE])
    docs = dedup.report_documents(report, [SAMPLE])
    path = _write(report, [SAMPLE], tmp_path / "sample.html")
    o = _open(browser, path)
    page = o.page
    # the counts
    for key, value in report.stats.to_dict().items():
        assert page.locator(f'[data-stat="{key}"]').text_content() == f"{value:,}", key
    assert page.locator('[data-stat="matches"]').text_content() == str(len(report.matches))
    assert page.locator("tr.cluster").count() == len(report.clusters) == _shown(page)
    assert page.locator("tr.cluster td.cid").all_text_contents() == [c.id for c in report.clusters]
    # expanding the first cluster: each copy's first passage, highlighted on both sides
    first = report.clusters[0]
    assert page.locator("tr.detail").count() == 0  # details are built when asked for
    page.locator(f'tr.cluster[data-cluster="{first.id}"] button.toggle').click()
    detail = page.locator(f'tr.detail[data-detail="{first.id}"]')
    assert detail.locator("tr.member").count() == len(first.members)
    origin_text = docs[first.origin].text
    for m in first.copies:
        p = m.passages[0]
        pair = detail.locator(f'.pair[data-copy="{m.id}"]')
        copy_marks = pair.locator('[data-side="copy"] mark[data-n="0"]').all_text_contents()
        origin_marks = pair.locator('[data-side="origin"] mark[data-n="0"]').all_text_contents()
        assert "".join(copy_marks) == docs[m.id].text[p.a_start : p.a_end]
        assert "".join(origin_marks) == origin_text[p.b_start : p.b_end]
        assert pair.locator('[data-side="copy"] mark').count() >= len(m.passages)
    # a filter: clusters with a member on one site
    site = report.clusters[1].members[1].site
    assert site is not None
    page.locator("#f-site").select_option(site)
    want = [c.id for c in report.clusters if any(m.site == site for m in c.members)]
    assert page.locator("tr.cluster td.cid").all_text_contents() == want
    assert _shown(page) == len(want) < len(report.clusters)
    page.locator("#f-site").select_option("")
    # credited or not: clusters where some copy credits no one
    page.locator("#f-credit").select_option("some")
    want = [c.id for c in report.clusters if any(m.credit is None for m in c.copies)]
    assert page.locator("tr.cluster td.cid").all_text_contents() == want
    page.locator("#f-credit").select_option("")
    # a date: origins on or after the day of the median origin
    days = sorted((c.members[0].date or "")[:10] for c in report.clusters)
    since = days[len(days) // 2]
    page.locator("#f-since").fill(since)
    want = [c.id for c in report.clusters if (c.members[0].date or "")[:10] >= since]
    assert page.locator("tr.cluster td.cid").all_text_contents() == want
    page.locator("#f-since").fill("")
    # the search: a word of one member's id, title or URL
    titled = [m.title for c in reversed(report.clusters) for m in c.members if m.title]
    q = max(titled[0].split(), key=len).lower()
    page.locator("#f-text").fill(q)
    want = [
        c.id
        for c in report.clusters
        if any(q in "\n".join(x or "" for x in (m.id, m.title, m.url)).lower() for m in c.members)
    ]
    assert page.locator("tr.cluster td.cid").all_text_contents() == want
    assert 1 <= len(want) < len(report.clusters)
    page.locator("#f-text").fill("")
    # sorting by size, largest first, and back
    page.locator('button[data-sort="size"]').click()
    sizes = [int(s) for s in page.locator("tr.cluster td.size").all_text_contents()]
    assert sizes == sorted(sizes, reverse=True) and len(sizes) == len(report.clusters)
    # the site graph is drawn: one node a site, up to the bound
    assert 2 <= page.locator("svg.graph circle.node").count() <= 14
    assert page.locator("svg.graph path.edge").count() >= 1
    o.clean(path.as_uri())
    if os.environ.get("DEDUP_UPDATE_SCREENSHOT") == "1":
        # the top of the page (counts, graph, the list), then the first cluster open: its
        # members and the first copy beside the origin
        page.locator('button[data-sort="order"]').click()
        page.set_viewport_size({"width": 1200, "height": 1100})
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SCREENSHOT), type="png")
        toggle = page.locator(f'tr.cluster[data-cluster="{first.id}"] button.toggle')
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        page.evaluate("document.getElementById('clusters').scrollIntoView()")
        page.screenshot(path=str(SCREENSHOT_CLUSTER), type="png")
        assert SCREENSHOT.stat().st_size < 300_000 > SCREENSHOT_CLUSTER.stat().st_size
    shot = page.screenshot(type="png")
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) < 300_000


@needs_browser
def test_hostile_report_runs_nothing_and_shows_the_text(browser: Browser, tmp_path: Path) -> None:
    report = dedup.scan([HOSTILE])
    assert len(report.clusters) == 1 and report.stats.copies == 2 and report.skipped
    docs = dedup.report_documents(report, [HOSTILE])
    path = _write(report, [HOSTILE], tmp_path / "hostile.html")
    o = _open(browser, path)
    page = o.page
    cluster = report.clusters[0]
    page.locator("tr.cluster button.toggle").click()
    members = page.locator("tr.member")
    for k in range(members.count()):
        members.nth(k).hover()  # an onmouseover, if escaping had let one in, would run now
    page.locator("#skips summary").click()
    page.mouse.move(5, 5)
    assert page.evaluate("window.__pwned") is None
    body = page.locator("body").inner_text()
    for m in cluster.members:
        assert m.id in body and m.title and m.title in body, m.id
        assert (m.site or "") in body
    assert report.skipped[0].reason in body
    # text that looks like markup stays text: each side of each pair is its text, literally
    pairs = page.locator(".pair")
    assert pairs.count() == len(cluster.copies)
    for k, m in enumerate(cluster.copies):
        side = pairs.nth(k).locator("[data-side]")
        assert side.nth(0).text_content() == _escaped(docs[cluster.origin].text)
        assert side.nth(1).text_content() == _escaped(docs[m.id].text)
    assert "\\u202eReversed\\u202c" in body and not BIDI.search(body)
    # links: http(s) only, and none of them can reach back to the page
    hrefs = page.eval_on_selector_all("a", "els => els.map(a => [a.href, a.rel])")
    assert hrefs, "the origin's https URL is a link"
    for href, rel in hrefs:
        assert href.startswith(("http://", "https://")), href
        assert rel == "noopener noreferrer"
    assert page.locator("script").count() == 2
    assert page.locator("img, iframe, svg:not(.graph), textarea, [onmouseover]").count() == 0
    # offsets are code points in the report, UTF-16 units in the browser (an emoji before)
    for k, m in enumerate(cluster.copies):
        p = m.passages[0]
        marks = pairs.nth(k).locator('[data-side="copy"] mark[data-n="0"]')
        assert "".join(marks.all_text_contents()) == docs[m.id].text[p.a_start : p.a_end]
    o.clean(path.as_uri())


def _bbc_scan(tmp: Path, n: int) -> Path:
    """`n` distinct BBC stories, each with a copy on another site a few hours later (half of
    the copies with a Reuters dateline, the others without a credit) as one JSONL file."""
    seen: set[str] = set()
    stories: list[dict[str, Any]] = []
    with gzip.open(BBC, "rt", encoding="utf-8") as fh:
        for line in fh:
            s = json.loads(line)
            if s["text"] in seen or len(s["text"].split()) < 150:
                continue
            seen.add(s["text"])
            stories.append(s)
            if len(stories) == n:
                break
    outlets = ["dailypost.example", "northern.example", "evening.example", "herald.example"]
    out = tmp / "bbc_copies.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for k, s in enumerate(stories):
            day = f"2005-{1 + k % 12:02d}-{1 + k % 28:02d}"
            fh.write(
                json.dumps(
                    {
                        "id": s["id"],
                        "site": "bbc.co.uk",
                        "title": s["title"],
                        "url": f"https://bbc.co.uk/{s['id']}",
                        "date": f"{day}T08:00:00Z",
                        "text": s["text"],
                    }
                )
                + "\n"
            )
            lead = "LONDON (Reuters) - " if k % 2 else ""
            fh.write(
                json.dumps(
                    {
                        "id": f"copy/{s['id']}",
                        "site": outlets[k % 4],
                        "title": s["title"],
                        "date": f"{day}T11:00:00Z",
                        "text": lead + s["text"],
                    }
                )
                + "\n"
            )
    return out


@needs_browser
@pytest.mark.skipif(not BBC.is_file(), reason=f"{BBC} (real BBC articles) is not present")
def test_a_thousand_clusters(browser: Browser, tmp_path: Path) -> None:
    data = _bbc_scan(tmp_path, 1050)
    report = dedup.scan([data], jobs=1)
    # a few BBC stories are near-duplicates of each other: their copies share a cluster
    assert len(report.clusters) >= 1000
    path = _write(report, [data], tmp_path / "big.html")
    o = _open(browser, path)
    page = o.page
    assert page.locator("tr.cluster").count() == len(report.clusters) == _shown(page)
    page.locator("#f-site").select_option("herald.example")
    want = sum(any(m.site == "herald.example" for m in c.members) for c in report.clusters)
    assert _shown(page) == page.locator("tr.cluster").count() == want
    page.locator("tr.cluster button.toggle").first.click()
    assert page.locator("tr.detail mark.passage").count() >= 1
    o.clean(path.as_uri())


@needs_browser
@needs_browser
def test_bidi_controls_are_shown_escaped_and_reorder_nothing(
    browser: Browser, tmp_path: Path
) -> None:
    # a Trojan-Source title: shown raw, the override would show "evil" as "live"
    story = (SAMPLE / "spotify.jsonl").read_text("utf-8").splitlines()[0]
    text = json.loads(story)["text"]
    rows = [
        {"id": "a", "site": "a\u2066.example", "title": "\u202eevil\u202c news", "text": text},
        {"id": "b\u202e", "site": "b.example", "title": "copy \u2067x\u2069", "text": text},
    ]
    path = tmp_path / "bidi.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    report = dedup.scan([path])
    assert len(report.clusters) == 1
    page_path = _write(report, [path], tmp_path / "bidi.html")
    o = _open(browser, page_path)
    o.page.locator("tr.cluster button.toggle").click()
    body = o.page.locator("body").inner_text()
    assert not BIDI.search(body)
    for shown in (
        "\\u202eevil\\u202c news",
        "a\\u2066.example",
        "copy \\u2067x\\u2069",
        "b\\u202e",
    ):
        assert shown in body, shown
    titles = o.page.eval_on_selector_all("[title]", "els => els.map(e => e.title)")
    assert titles and not any(BIDI.search(t) for t in titles)
    o.clean(page_path.as_uri())


def test_a_member_without_its_text(browser: Browser, tmp_path: Path) -> None:
    report = dedup.scan([HOSTILE])
    cluster = report.clusters[0]
    docs = dedup.report_documents(report, [HOSTILE])
    texts = {i: d.text for i, d in docs.items() if i != cluster.origin}
    path = tmp_path / "partial.html"
    path.write_text(render_html(report, texts), "utf-8")
    o = _open(browser, path)
    o.page.locator("tr.cluster button.toggle").click()
    sides = o.page.locator(".pair [data-side]")
    assert sides.count() == 2 * len(cluster.copies)
    for k in range(sides.count()):
        missing = sides.nth(k).get_attribute("data-side") == "origin"
        said = "(text not available" in (sides.nth(k).text_content() or "")
        assert said == missing
    o.clean(path.as_uri())
