"""Build the bundled sample in `sample/` from ../shared/data/news_syndication_articlecomparisons.

The 32 census articles (2019-05-31) become saved HTML pages with site chrome (navigation,
related-stories box, share prompts, footer) and the 36 spotify articles (2018-06-01) a JSONL
export. Texts are unchanged apart from the scraper's " ### " paragraph marks becoming paragraphs.
Run from the project root: python scripts/make_sample.py
"""

from __future__ import annotations

import csv
import gzip
import html
import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "news_syndication_articlecomparisons"
OUT = Path(__file__).resolve().parents[1] / "sample" / "articles"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title_attr}</title>
<link rel="canonical" href="{url}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{date}">
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/politics">Politics</a>
<a href="/business">Business</a> <a href="/sports">Sports</a> <a href="/subscribe">Subscribe</a></nav></header>
<main>
<article>
{h1}<p class="byline">Published {date}</p>
{paragraphs}
</article>
<aside class="related"><strong>Related stories</strong><ul>
<li><a href="/news/1">Storms expected across the region this weekend</a></li>
<li><a href="/news/2">City council approves new budget after long debate</a></li>
</ul></aside>
<div class="share">Share this article on Facebook, Twitter or by email.</div>
</main>
<footer><p>&copy; {site}. All rights reserved. Terms of use. Privacy policy. Contact us.</p></footer>
</body>
</html>
"""


def rows(name: str) -> list[dict[str, str]]:
    with gzip.open(DATA / f"{name}_articles.csv.gz", "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


_NOT_TITLES = ("share", "email", "e-mail", "by ", "view comments", "purchase", "opinion")


def split(text: str) -> tuple[str, list[str]]:
    """The paragraphs, and the first one as a title when it reads like a headline.

    The scraper kept no titles; the first paragraph is often the headline, sometimes a date, a
    byline or share buttons. Every paragraph stays in the text either way.
    """
    paras = [p.strip() for p in text.split(" ### ") if p.strip()]
    first = paras[0] if paras else ""
    words = first.split()
    headline = (
        4 <= len(words) <= 20
        and not first.lower().startswith(_NOT_TITLES)
        and not any(ch.isdigit() for ch in first[:12])
        and "@" not in first
    )
    return (first if headline else ""), paras


def main() -> None:
    pages = OUT / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    for r in rows("census"):
        title, paras = split(r["text"])
        host = r["publisher"].split("/")[0]
        url = f"https://www.{host}/news/{r['id']}.html"
        if title:
            paras = paras[1:]
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
        page = PAGE.format(
            h1=f"<h1>{html.escape(title)}</h1>\n" if title else "",
            title_attr=html.escape(title, quote=True),
            site=html.escape(host),
            url=url,
            date=r["scrape_time"],
            paragraphs=body,
        )
        (pages / f"census-{r['id']}.html").write_text(page, encoding="utf-8")
    with open(OUT / "spotify.jsonl", "w", encoding="utf-8") as fh:
        for r in rows("spotify"):
            title, paras = split(r["text"])
            host = r["publisher"].split("/")[0]
            rec = {
                "id": f"spotify-{r['id']}",
                "url": f"https://www.{host}/story/{r['id']}",
                "site": r["publisher"],
                "date": r["scrape_time"],
                "title": title or None,
                "text": "\n\n".join(paras[1:] if title else paras),
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
