"""An evaluation set as saved HTML article pages (`html_pages`), for the quality benchmark's
``--html`` input: head metadata, nav menu, article, "Most read" sidebar, footer, cookie banner."""

from __future__ import annotations

import html
import json
import os
import random
from collections.abc import Sequence
from pathlib import Path

from benchmarks.evalsets.evalset import EvalSet
from dedup.model import Document

_NAV = ("Home", "World", "Business", "Politics", "Technology", "Sport", "Entertainment", "Opinion")


def _render_page(doc: Document, related: Sequence[str]) -> str:
    """A saved article page: head metadata, nav, article, related sidebar, footer, cookie banner."""
    e = html.escape
    paras = [p for p in doc.text.split("\n\n") if p.strip()]
    title = doc.title or (paras[0] if paras else doc.id)
    if paras and paras[0].strip() == title.strip():
        paras = paras[1:]
    site = doc.site or "example.com"
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(title)} | {e(site)}</title>",
    ]
    if doc.url:
        head.append(f'<link rel="canonical" href="{e(doc.url)}">')
    head.append(f'<meta property="og:site_name" content="{e(site)}">')
    head.append(f'<meta property="og:title" content="{e(title)}">')
    if doc.date:
        head.append(f'<meta property="article:published_time" content="{e(doc.date)}">')
    head += [
        "<style>body{font-family:Georgia,serif}.sidebar{float:right;width:30%}"
        "#cookie-banner{position:fixed;bottom:0}</style>",
        '<script>window.dataLayer=window.dataLayer||[];dataLayer.push({"event":"pageview",'
        f'"section":"news","site":"{e(site)}"}});</script>',
        '<script type="application/ld+json">{"@context":"https://schema.org",'
        f'"@type":"NewsArticle","headline":{json.dumps(title)}}}</script>',
        "</head>",
        "<body>",
    ]
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in _NAV)
    body = [
        f'<header><div class="logo"><a href="/">{e(site)}</a></div>'
        f"<nav><ul>{nav}</ul></nav></header>",
        '<main><article class="story">',
        f"<h1>{e(title)}</h1>",
    ]
    if doc.date:
        body.append(f'<time datetime="{e(doc.date)}">{e(doc.date[:10])}</time>')
    body += [f"<p>{e(p)}</p>" for p in paras]
    body.append("</article>")
    links = "".join(f'<li><a href="/related/{i}">{e(t)}</a></li>' for i, t in enumerate(related))
    body += [
        f'<aside class="sidebar"><h2>Most read</h2><ul>{links}</ul></aside>',
        "</main>",
        f'<footer><p>© {e(site)}. All rights reserved.</p><ul><li><a href="/about">About us</a>'
        '</li><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a>'
        "</li></ul></footer>",
        '<div id="cookie-banner"><p>We use cookies to improve your experience on our site and '
        "to show you personalised advertising.</p><button>Accept all</button></div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(head + body) + "\n"


def html_pages(evalset: EvalSet, dirpath: str | os.PathLike[str]) -> dict[str, str]:
    """Write each document as a saved HTML page `NNNN.html` in `dirpath`; return {path: doc id}.

    Paths are ``str(Path(dirpath) / name)``, the form in which they are passed to the scanner.
    """
    out_dir = Path(dirpath)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"html:{evalset.name}")
    titles = [
        d.title or next((p for p in d.text.split("\n\n") if p.strip()), d.id)[:90]
        for d in evalset.docs
    ]
    mapping: dict[str, str] = {}
    for i, doc in enumerate(evalset.docs):
        related = [
            titles[j] for j in rng.sample(range(len(titles)), k=min(5, len(titles))) if j != i
        ]
        path = out_dir / f"{i:04d}.html"
        with open(path, "w", encoding="utf-8") as f:
            f.write(_render_page(doc, related[:4]))
        mapping[str(path)] = doc.id
    return mapping
