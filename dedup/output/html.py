"""`--format html`: the report as one self-contained page a person opens from a file.

The page is a fixed HTML skeleton, a fixed style sheet, a fixed script and the data: the
report (`Report.to_dict`, so every key the report has is there, including keys added later)
and the texts of its members, as one JSON blob in ``<script type="application/json">``. The
script draws everything from the blob, with ``textContent`` and ``setAttribute`` only (never
``innerHTML``), and builds a cluster's details only when it is expanded, so that a report of
thousands of clusters opens at once.

Contracts:
- No text of the input is ever HTML: in the blob ``<``, ``>`` and ``&`` are JSON escapes
  (``\\u003c``...), so no ``</script>`` can end it, and the script puts text in text nodes.
  A link is made only of an ``http:``/``https:`` URL (``rel="noopener noreferrer"``).
  A bidi control (U+202A-202E, U+2066-2069, U+061C, U+200E/F) in a text, title or tooltip is
  shown as its escape (``\u202e``), as on a terminal: it never reorders the page.
- The Content-Security-Policy allows nothing but the page's own style sheet and script, by
  their SHA-256 hashes (``default-src 'none'``): the page makes no network request, and a
  script that escaping let through by mistake would still not run (a hash, unlike
  ``'unsafe-inline'``, admits only the exact script written here; being fixed text, its hash
  is the same on every run).
- Deterministic: the same report and texts give the same bytes.
- Passage offsets are Unicode code points, as in the report; the script converts them to the
  browser's UTF-16 units.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from dedup.model import Report

#: shown in the page's title and heading
PAGE_TITLE = "dedup report"

_CSS = """
:root { --fg: #1d2330; --muted: #5b6475; --line: #d8dde6; --bg: #ffffff; --panel: #f5f7fa;
  --accent: #1f5fbf; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
header, main { max-width: 1280px; margin: 0 auto; padding: 0 16px; }
h1 { font-size: 22px; margin: 16px 0 4px; }
h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; }
h3 { font-size: 14px; margin: 12px 0 6px; }
.muted { color: var(--muted); }
.stats { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; }
.stats div { background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: 6px 10px; min-width: 96px; }
.stats dt { font-size: 11px; color: var(--muted); text-transform: uppercase; }
.stats dd { margin: 0; font-size: 18px; font-weight: 600; }
.tops { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0;
  cursor: pointer; color: var(--accent); }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin: 8px 0;
  background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
.filters input, .filters select { font: inherit; padding: 2px 4px; max-width: 220px; }
tr.cluster:hover { background: var(--panel); }
button.toggle { font: inherit; width: 26px; cursor: pointer; background: none;
  border: 1px solid var(--line); border-radius: 4px; }
tr.detail > td { background: #fbfcfe; padding: 8px 10px 14px; }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px;
  margin: 6px 0 14px; }
.pair h4 { margin: 0 0 4px; font-size: 12px; color: var(--muted); font-weight: 600;
  overflow-wrap: anywhere; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 360px; overflow: auto;
  border: 1px solid var(--line); border-radius: 4px; padding: 6px 8px; background: #fff;
  font-size: 13px; }
mark.passage { background: #ffe28a; padding: 0; border-radius: 2px; }
mark.passage.alt { background: #bfe3ff; }
mark.passage.on { outline: 2px solid #d9480f; }
.tag { display: inline-block; font-size: 11px; border-radius: 3px; padding: 0 4px;
  background: var(--panel); border: 1px solid var(--line); margin-right: 2px; }
.tag.no { background: #fff0f0; border-color: #f3c4c4; }
.tag.yes { background: #effaf1; border-color: #b9e2c0; }
svg.graph { width: 100%; max-width: 760px; height: auto; border: 1px solid var(--line);
  border-radius: 6px; background: #fff; }
svg.graph text { font-size: 11px; fill: var(--fg); }
svg.graph .edge { stroke: #7a8aa6; fill: none; opacity: 0.75; }
svg.graph .node { fill: #1f5fbf; opacity: 0.85; }
pre.json { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--panel);
  padding: 6px; font-size: 12px; }
dl.extra { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 4px 0; }
dl.extra dt { color: var(--muted); }
dl.extra dd { margin: 0; overflow-wrap: anywhere; }
a { color: var(--accent); }
table.members td.title { min-width: 220px; }
table.members td { overflow-wrap: break-word; }
"""

_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("dedup-data").textContent);
  var R = DATA.report, TEXTS = DATA.texts || {};
  var STATS = R.stats || {}, CLUSTERS = R.clusters || [], MATCHES = R.matches || [];
  var KNOWN_REPORT = ["stats", "clusters", "matches", "skipped", "skipped_not_listed"];
  var KNOWN_CLUSTER = ["id", "origin", "size", "members"];
  var KNOWN_MEMBER = ["id", "role", "url", "site", "title", "date", "language", "jaccard",
    "containment", "reuse", "credit", "source", "shared_sentences", "shared_words", "passages",
    "match", "score"];
  var NO_SITE = "(no site)", NO_AGENCY = "(none)";

  // --- building nodes: text only, never markup ------------------------------------------------
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    setAll(e, attrs, kids);
    return e;
  }
  function svg(tag, attrs, kids) {
    var e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    setAll(e, attrs, kids);
    return e;
  }
  // bidi controls (embeddings, overrides, isolates, marks) shown as escapes ("\u202e"), as on
  // the terminal: a title or text holding one must not reorder what the page shows
  var BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  function visible(v) {
    return String(v).replace(BIDI, function (c) {
      return "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");
    });
  }
  function textNode(v) { return document.createTextNode(visible(v)); }
  function setAll(e, attrs, kids) {
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") e.textContent = visible(v);
        else if (k === "class") e.setAttribute("class", v);
        else if (k === "title" || k === "placeholder") e.setAttribute(k, visible(v));
        else e.setAttribute(k, String(v));
      });
    }
    (kids || []).forEach(function (k) {
      if (k === null || k === undefined) return;
      e.appendChild(typeof k === "object" ? k : textNode(k));
    });
  }
  function show(v) { return v === null || v === undefined ? "" : String(v); }
  function label(key) { return key.replace(/_/g, " "); }
  function pct(x) { return typeof x === "number" ? Math.round(x * 100) + "%" : ""; }
  function num(x) { return typeof x === "number" ? x.toLocaleString("en-US") : show(x); }
  // a link only for an http(s) URL; anything else is shown as text
  function link(url, text) {
    var u = show(url);
    if (/^https?:\/\//i.test(u)) {
      try {
        var p = new URL(u);
        if (p.protocol === "http:" || p.protocol === "https:") {
          return el("a", { href: p.href, rel: "noopener noreferrer", target: "_blank",
            text: text });
        }
      } catch (e) { /* not a URL: text */ }
    }
    return textNode(text);
  }
  function extras(obj, known) {
    var keys = Object.keys(obj).filter(function (k) { return known.indexOf(k) < 0; });
    if (!keys.length) return null;
    var dl = el("dl", { class: "extra" });
    keys.forEach(function (k) {
      var v = obj[k];
      dl.appendChild(el("dt", { text: label(k) }));
      dl.appendChild(el("dd", { text: typeof v === "object" && v !== null
        ? JSON.stringify(v) : show(v) }));
    });
    return dl;
  }
  function countTable(title, head, rows, cls) {
    var t = el("table", { class: cls });
    t.appendChild(el("thead", null, [el("tr", null, head.map(function (h, i) {
      return el("th", { class: i ? "num" : null, text: h });
    }))]));
    var tb = el("tbody");
    rows.forEach(function (r) {
      tb.appendChild(el("tr", null, r.map(function (v, i) {
        return el("td", { class: i ? "num" : null, text: i ? num(v) : show(v) });
      })));
    });
    t.appendChild(tb);
    return el("section", null, [el("h3", { text: title }), t]);
  }
  function ranked(counts, n) {
    return Object.keys(counts).sort(function (a, b) {
      return counts[b] - counts[a] || (a < b ? -1 : a > b ? 1 : 0);
    }).slice(0, n);
  }

  // --- what each cluster is, for the list and its filters -------------------------------------
  var clusterOf = {};
  var rows = CLUSTERS.map(function (c, i) {
    var members = c.members || [], origin = members[0] || {};
    var copies = members.slice(1);
    var credits = {}, sites = [];
    members.forEach(function (m) {
      clusterOf[m.id] = i;
      var s = m.site || NO_SITE;
      if (sites.indexOf(s) < 0) sites.push(s);
      if (m.credit) credits[m.credit] = (credits[m.credit] || 0) + 1;
    });
    var credited = copies.filter(function (m) { return !!m.credit; }).length;
    var ws = c.wire_source, agency = null;
    if (typeof ws === "string") agency = ws;
    else if (ws && typeof ws === "object" && ws.agency) agency = String(ws.agency);
    else agency = ranked(credits, 1)[0] || null;
    var hay = members.map(function (m) {
      return [m.id, m.title, m.url].map(show).join("\n");
    }).join("\n").toLowerCase();
    return {
      i: i, c: c, origin: origin, copies: copies, sites: sites, agency: agency, hay: hay,
      credited: credited, uncredited: copies.length - credited,
      date: show(origin.date), title: show(origin.title) || show(origin.id),
      size: typeof c.size === "number" ? c.size : members.length
    };
  });

  var app = document.getElementById("app");

  // --- summary ----------------------------------------------------------------------------------
  function summary() {
    var sec = el("section", { id: "summary" }, [el("h2", { text: "Summary" })]);
    var dl = el("dl", { class: "stats", id: "stats" });
    Object.keys(STATS).forEach(function (k) {
      dl.appendChild(el("div", null, [el("dt", { text: label(k) }),
        el("dd", { "data-stat": k, text: num(STATS[k]) })]));
    });
    dl.appendChild(el("div", null, [el("dt", { text: "copy pairs listed" }),
      el("dd", { "data-stat": "matches", text: num(MATCHES.length) })]));
    sec.appendChild(dl);
    var agencies = {}, creditCopies = {}, sites = {}, sitesCredited = {}, none = 0;
    rows.forEach(function (r) {
      var a = r.agency || NO_AGENCY;
      agencies[a] = (agencies[a] || 0) + 1;
      r.copies.forEach(function (m) {
        var s = m.site || NO_SITE;
        sites[s] = (sites[s] || 0) + 1;
        if (m.credit) {
          creditCopies[m.credit] = (creditCopies[m.credit] || 0) + 1;
          sitesCredited[s] = (sitesCredited[s] || 0) + 1;
        } else none += 1;
      });
    });
    var tops = el("div", { class: "tops" });
    tops.appendChild(countTable("Wire sources (the credit most members give)",
      ["agency", "clusters"], ranked(agencies, 10).map(function (k) {
        return [k, agencies[k]];
      }), "top-agencies"));
    var cr = ranked(creditCopies, 10).map(function (k) { return [k, creditCopies[k]]; });
    cr.push(["no credit found", none]);
    tops.appendChild(countTable("Credits given by copies", ["credit", "copies"], cr,
      "top-credits"));
    tops.appendChild(countTable("Top republishing sites", ["site", "copies", "credited"],
      ranked(sites, 10).map(function (k) { return [k, sites[k], sitesCredited[k] || 0]; }),
      "top-sites"));
    sec.appendChild(tops);
    // sections of the report this page does not draw yet: shown as their JSON
    Object.keys(R).filter(function (k) { return KNOWN_REPORT.indexOf(k) < 0; })
      .forEach(function (k) {
        sec.appendChild(el("details", { class: "section-extra" }, [
          el("summary", { text: label(k) }),
          el("pre", { class: "json", text: JSON.stringify(R[k], null, 2) })]));
      });
    return sec;
  }

  // --- the site graph: origin site -> copy site, the busiest sites on a circle -----------------
  function graph() {
    var sec = el("section", { id: "graph" }, [el("h2", { text: "Who republishes whom" })]);
    var edges = {}, weight = {}, same = 0;
    rows.forEach(function (r) {
      var from = r.origin.site || NO_SITE;
      r.copies.forEach(function (m) {
        var to = m.site || NO_SITE;
        if (to === from) { same += 1; return; }
        var k = JSON.stringify([from, to]);
        edges[k] = (edges[k] || 0) + 1;
        weight[from] = (weight[from] || 0) + 1;
        weight[to] = (weight[to] || 0) + 1;
      });
    });
    var keys = Object.keys(edges);
    if (!keys.length) {
      sec.appendChild(el("p", { class: "muted",
        text: "No copy on another site than its origin's." }));
      return sec;
    }
    var N = 14, top = ranked(weight, N), W = 760, H = 520, cx = W / 2, cy = H / 2;
    var rad = Math.min(W, H) / 2 - 70, pos = {};
    top.forEach(function (s, i) {
      var a = -Math.PI / 2 + 2 * Math.PI * i / top.length;
      pos[s] = [cx + rad * Math.cos(a), cy + rad * Math.sin(a), a];
    });
    var max = 1;
    keys.forEach(function (k) { max = Math.max(max, edges[k]); });
    var pic = svg("svg", { class: "graph", viewBox: "0 0 " + W + " " + H, role: "img",
      "aria-label": "site graph" });
    pic.appendChild(svg("defs", null, [svg("marker", { id: "arrow", viewBox: "0 0 10 10",
      refX: 10, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse",
      orient: "auto-start-reverse" },
      [svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#7a8aa6" })])]));
    var drawn = 0;
    keys.sort().forEach(function (k) {
      var p = JSON.parse(k), a = pos[p[0]], b = pos[p[1]];
      if (!a || !b) return;
      var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy) || 1;
      var ra = 6 + 10 * Math.sqrt(weight[p[0]] / weight[top[0]]);
      var rb = 6 + 10 * Math.sqrt(weight[p[1]] / weight[top[0]]);
      var x1 = a[0] + dx / len * ra, y1 = a[1] + dy / len * ra;
      var x2 = b[0] - dx / len * (rb + 2), y2 = b[1] - dy / len * (rb + 2);
      // bend to the right of the direction, so that a -> b and b -> a are two curves
      var mx = (x1 + x2) / 2 - dy / len * 18, my = (y1 + y2) / 2 + dx / len * 18;
      pic.appendChild(svg("path", { class: "edge", d: "M" + x1.toFixed(1) + "," + y1.toFixed(1)
        + " Q" + mx.toFixed(1) + "," + my.toFixed(1) + " " + x2.toFixed(1) + "," + y2.toFixed(1),
        "stroke-width": (0.8 + 4 * edges[k] / max).toFixed(2), "marker-end": "url(#arrow)" },
        [svg("title", { text: p[0] + " \u2192 " + p[1] + ": " + edges[k] + " copies" })]));
      drawn += 1;
    });
    top.forEach(function (s) {
      var p = pos[s], r = 6 + 10 * Math.sqrt(weight[s] / weight[top[0]]);
      var right = Math.cos(p[2]) >= 0;
      pic.appendChild(svg("g", { class: "site" }, [
        svg("circle", { class: "node", cx: p[0].toFixed(1), cy: p[1].toFixed(1),
          r: r.toFixed(1) }, [svg("title", { text: s + ": " + weight[s] + " copies in or out" })]),
        svg("text", { x: (p[0] + (right ? r + 4 : -r - 4)).toFixed(1),
          y: (p[1] + 4).toFixed(1), "text-anchor": right ? "start" : "end", text: s })]));
    });
    sec.appendChild(el("p", { class: "muted", text: "An arrow goes from the site of a "
      + "cluster's origin to the site of each copy (thicker: more copies). The " + top.length
      + " sites with the most copies in or out are drawn (" + drawn + " of " + keys.length
      + " site pairs); " + same + " copies are on their origin's own site." }));
    sec.appendChild(pic);
    var list = keys.map(function (k) { var p = JSON.parse(k); return [p[0], p[1], edges[k]]; });
    list.sort(function (x, y) {
      return y[2] - x[2] || (x[0] + "\n" + x[1] < y[0] + "\n" + y[1] ? -1 : 1);
    });
    var t = el("table", { class: "edges" }, [el("thead", null, [el("tr", null, [
      el("th", { text: "origin site" }), el("th", { text: "copy site" }),
      el("th", { class: "num", text: "copies" })])])]);
    var tb = el("tbody");
    list.slice(0, 20).forEach(function (e) {
      tb.appendChild(el("tr", null, [el("td", { text: e[0] }), el("td", { text: e[1] }),
        el("td", { class: "num", text: num(e[2]) })]));
    });
    t.appendChild(tb);
    sec.appendChild(el("details", null, [el("summary", { text: "The busiest site pairs" }), t]));
    return sec;
  }

  // --- highlighting passages in a text ---------------------------------------------------------
  // ranges: [start, end, n] in code points; marks carry data-n so both sides can be linked
  function highlighted(text, ranges, side) {
    var box = el("div", { class: "text", "data-side": side });
    if (typeof text !== "string") {
      box.appendChild(el("span", { class: "muted",
        text: "(text not available: the document was not found again in the inputs)" }));
      return box;
    }
    var unit = null;  // code point -> UTF-16 index, only for a text with astral characters
    if (/[\uD800-\uDFFF]/.test(text)) {
      unit = [0];
      for (var j = 0; j < text.length; j++) {
        var c = text.charCodeAt(j);
        if (c >= 0xD800 && c <= 0xDBFF && j + 1 < text.length) {
          var d = text.charCodeAt(j + 1);
          if (d >= 0xDC00 && d <= 0xDFFF) j++;
        }
        unit.push(j + 1);
      }
    }
    function at(cp) {
      if (unit === null) return Math.min(cp, text.length);
      return unit[Math.min(cp, unit.length - 1)];
    }
    var rs = ranges.map(function (r) { return [at(r[0]), at(r[1]), r[2]]; })
      .filter(function (r) { return r[1] > r[0]; });
    var cuts = [0, text.length];
    rs.forEach(function (r) { cuts.push(r[0], r[1]); });
    cuts = cuts.filter(function (x, k) { return cuts.indexOf(x) === k; })
      .sort(function (x, y) { return x - y; });
    for (var k = 0; k + 1 < cuts.length; k++) {
      var s = cuts[k], e = cuts[k + 1], piece = text.slice(s, e), inside = null;
      for (var q = 0; q < rs.length; q++) {
        if (rs[q][0] <= s && e <= rs[q][1]) { inside = rs[q]; break; }
      }
      if (inside === null) box.appendChild(textNode(piece));
      else box.appendChild(el("mark", { class: "passage" + (inside[2] % 2 ? " alt" : ""),
        "data-n": inside[2], title: "passage " + (inside[2] + 1), text: piece }));
    }
    return box;
  }
  function linkMarks(pair) {
    pair.addEventListener("click", function (ev) {
      var m = ev.target;
      if (!m || m.tagName !== "MARK") return;
      var n = m.getAttribute("data-n");
      pair.querySelectorAll("mark.on").forEach(function (x) { x.classList.remove("on"); });
      var other = null;
      pair.querySelectorAll("mark[data-n=\"" + n + "\"]").forEach(function (x) {
        x.classList.add("on");
        if (x.parentNode !== m.parentNode && other === null) other = x;
      });
      if (other) {
        var box = other.parentNode;
        box.scrollTop = other.offsetTop - box.offsetTop - 20;
      }
    });
  }

  // --- one cluster's details, built when it is first expanded ----------------------------------
  function memberTable(r) {
    var head = ["role", "id", "site", "date", "title", "credit", "jaccard", "contain\u00adment",
      "reuse", "shared sentences", "shared words", "passages"];
    var more = (r.c.members || []).some(function (m) { return extras(m, KNOWN_MEMBER); });
    if (more) head.push("more");
    var t = el("table", { class: "members" }, [el("thead", null, [el("tr", null,
      head.map(function (h, i) { return el("th", { class: i >= 6 && i <= 11 ? "num" : null,
        text: h }); }))])]);
    var tb = el("tbody");
    (r.c.members || []).forEach(function (m) {
      var copy = m.role !== "origin";
      tb.appendChild(el("tr", { class: "member", "data-id": m.id }, [
        el("td", { text: show(m.role) + (m.match ? " (" + m.match + ")" : "") }),
        el("td", { class: "id", text: show(m.id) }),
        el("td", { text: show(m.site) }),
        el("td", { text: show(m.date) }),
        el("td", { class: "title" }, [link(m.url, show(m.title) || show(m.url))]),
        el("td", null, [m.credit ? el("span", { class: "tag yes", text: m.credit })
          : copy ? el("span", { class: "tag no", text: "none found" }) : ""]),
        el("td", { class: "num", text: typeof m.jaccard === "number" ? m.jaccard.toFixed(2) : "" }),
        el("td", { class: "num", text: pct(m.containment) }),
        el("td", { class: "num", text: pct(m.reuse) }),
        el("td", { class: "num", text: show(m.shared_sentences) }),
        el("td", { class: "num", text: show(m.shared_words) }),
        el("td", { class: "num", text: m.passages ? m.passages.length : "" }),
        more ? el("td", null, [extras(m, KNOWN_MEMBER)]) : null]));
    });
    t.appendChild(tb);
    return t;
  }
  function detail(r) {
    var box = el("div", { class: "cluster-detail" });
    box.appendChild(memberTable(r));
    var more = extras(r.c, KNOWN_CLUSTER);
    if (more) box.appendChild(more);
    var ids = (r.c.members || []).map(function (m) { return m.id; });
    var pairs = MATCHES.filter(function (x) {
      return ids.indexOf(x.a) >= 0 && ids.indexOf(x.b) >= 0;
    });
    box.appendChild(el("p", { class: "muted", text: pairs.length
      + " verified copy pairs among these articles; below, each copy beside the origin, the "
      + "passages they share highlighted (click one to find it on the other side)." }));
    var originText = TEXTS[r.origin.id];
    r.copies.forEach(function (m) {
      var ps = m.passages || [];
      var head = m.match === "translation"
        ? "translation of the origin (score " + show(m.score) + "): no shared passages"
        : ps.length + " shared passages, " + show(m.shared_words) + " words, "
          + show(m.shared_sentences) + " sentences";
      box.appendChild(el("h3", { class: "pair-head", text: show(m.id) + ": " + head }));
      var pair = el("div", { class: "pair", "data-copy": m.id }, [
        el("div", null, [el("h4", { text: "origin: " + show(r.origin.id) + " ("
          + (show(r.origin.site) || NO_SITE) + ")" }),
          highlighted(originText, ps.map(function (p, n) {
            return [p.origin_start, p.origin_end, n]; }), "origin")]),
        el("div", null, [el("h4", { text: "copy: " + show(m.id) + " ("
          + (show(m.site) || NO_SITE) + ")" }),
          highlighted(TEXTS[m.id], ps.map(function (p, n) {
            return [p.start, p.end, n]; }), "copy")])]);
      linkMarks(pair);
      box.appendChild(pair);
    });
    return box;
  }

  // --- the list of clusters: filters, sorting, expanding ---------------------------------------
  var state = { key: "order", dir: 1, open: {} }, built = {};
  var f = {};
  function options(sel, counts, allText) {
    sel.appendChild(el("option", { value: "", text: allText }));
    Object.keys(counts).sort().forEach(function (k) {
      sel.appendChild(el("option", { value: k, text: k + " (" + counts[k] + ")" }));
    });
    return sel;
  }
  function clusterList() {
    var sec = el("section", { id: "clusters" }, [el("h2", { text: "Clusters" })]);
    var siteCount = {}, agencyCount = {};
    rows.forEach(function (r) {
      r.sites.forEach(function (s) { siteCount[s] = (siteCount[s] || 0) + 1; });
      var a = r.agency || NO_AGENCY;
      agencyCount[a] = (agencyCount[a] || 0) + 1;
    });
    f.text = el("input", { id: "f-text", type: "search", placeholder: "title, id or URL" });
    f.site = options(el("select", { id: "f-site" }), siteCount, "any site");
    f.agency = options(el("select", { id: "f-agency" }), agencyCount, "any agency");
    f.credit = el("select", { id: "f-credit" }, [
      el("option", { value: "", text: "any" }),
      el("option", { value: "all", text: "every copy credits someone" }),
      el("option", { value: "some", text: "a copy credits no one" }),
      el("option", { value: "none", text: "no copy credits anyone" })]);
    f.since = el("input", { id: "f-since", type: "date" });
    f.until = el("input", { id: "f-until", type: "date" });
    var bar = el("div", { class: "filters" }, [
      el("label", null, ["search", f.text]), el("label", null, ["site", f.site]),
      el("label", null, ["wire source", f.agency]), el("label", null, ["credits", f.credit]),
      el("label", null, ["origin since", f.since]), el("label", null, ["until", f.until]),
      el("span", { class: "muted" }, [el("span", { id: "shown-count", text: rows.length }),
        " of " + rows.length + " clusters shown"])]);
    sec.appendChild(bar);
    [f.text, f.site, f.agency, f.credit, f.since, f.until].forEach(function (x) {
      x.addEventListener("input", draw);
      x.addEventListener("change", draw);
    });
    var cols = [["order", "cluster", false], ["size", "articles", true],
      ["date", "origin date", false], ["title", "origin", false], [null, "sites", false],
      ["agency", "wire source", false], ["credited", "copies credited", true]];
    var head = el("tr", null, [el("th", { text: "" })]);
    cols.forEach(function (c) {
      var th = el("th", { class: c[2] ? "num" : null });
      if (c[0]) {
        var b = el("button", { type: "button", "data-sort": c[0], text: c[1] });
        b.addEventListener("click", function () {
          state.dir = state.key === c[0] ? -state.dir : (c[2] ? -1 : 1);
          state.key = c[0];
          draw();
        });
        th.appendChild(b);
      } else th.textContent = c[1];
      head.appendChild(th);
    });
    var tbody = el("tbody", { id: "cluster-rows" });
    sec.appendChild(el("table", { class: "clusters" }, [el("thead", null, [head]), tbody]));
    return sec;
  }
  function keep(r) {
    var q = f.text.value.trim().toLowerCase();
    if (q && r.hay.indexOf(q) < 0) return false;
    if (f.site.value && r.sites.indexOf(f.site.value) < 0) return false;
    if (f.agency.value && (r.agency || NO_AGENCY) !== f.agency.value) return false;
    var cr = f.credit.value;
    if (cr === "all" && r.uncredited > 0) return false;
    if (cr === "some" && r.uncredited === 0) return false;
    if (cr === "none" && r.credited > 0) return false;
    var day = r.date.slice(0, 10);
    if (f.since.value && (!day || day < f.since.value)) return false;
    if (f.until.value && (!day || day > f.until.value)) return false;
    return true;
  }
  function sortKey(r) {
    switch (state.key) {
      case "size": return r.size;
      case "date": return r.date;
      case "title": return r.title.toLowerCase();
      case "agency": return r.agency || "";
      case "credited": return r.copies.length ? r.credited / r.copies.length : 1;
      default: return r.i;
    }
  }
  function row(r) {
    var open = !!state.open[r.i];
    var btn = el("button", { type: "button", class: "toggle", "aria-expanded": open,
      title: "show the members and their passages", text: open ? "\u25be" : "\u25b8" });
    btn.addEventListener("click", function () {
      state.open[r.i] = !state.open[r.i];
      draw();
    });
    var credit = r.copies.length
      ? el("span", { class: "tag " + (r.uncredited ? "no" : "yes"),
          text: r.credited + " of " + r.copies.length })
      : "";
    return el("tr", { class: "cluster", "data-cluster": r.c.id }, [
      el("td", null, [btn]),
      el("td", { class: "cid", text: show(r.c.id) }),
      el("td", { class: "num size", text: r.size }),
      el("td", { class: "date", text: r.date }),
      el("td", { class: "title" }, [link(r.origin.url, r.title),
        el("div", { class: "muted", text: show(r.origin.site) })]),
      el("td", { class: "sites", text: r.sites.length + " sites" }),
      el("td", { class: "agency", text: r.agency || "" }),
      el("td", { class: "num" }, [credit])]);
  }
  function draw() {
    var list = rows.filter(keep);
    list.sort(function (x, y) {
      var a = sortKey(x), b = sortKey(y);
      return (a < b ? -1 : a > b ? 1 : 0) * state.dir || x.i - y.i;
    });
    var tbody = document.getElementById("cluster-rows");
    var frag = document.createDocumentFragment();
    list.forEach(function (r) {
      frag.appendChild(row(r));
      if (state.open[r.i]) {
        if (!built[r.i]) built[r.i] = el("tr", { class: "detail", "data-detail": r.c.id },
          [el("td", { colspan: 8 }, [detail(r)])]);
        frag.appendChild(built[r.i]);
      }
    });
    tbody.textContent = "";
    tbody.appendChild(frag);
    document.getElementById("shown-count").textContent = String(list.length);
  }
  function skips() {
    var sk = R.skipped || [], un = R.skipped_not_listed || [];
    var sec = el("section", { id: "skips" }, [el("h2", { text: "Skipped records" })]);
    if (!sk.length && !un.length) {
      sec.appendChild(el("p", { class: "muted", text: "None: every record was scanned." }));
      return sec;
    }
    var t = el("table", { class: "skips" }, [el("thead", null, [el("tr", null, [
      el("th", { text: "source" }), el("th", { text: "where" }), el("th", { text: "status" }),
      el("th", { text: "reason" })])])]);
    var tb = el("tbody");
    sk.forEach(function (s) {
      tb.appendChild(el("tr", { class: "skip" }, [el("td", { text: show(s.source) }),
        el("td", { text: show(s.location) }), el("td", { text: show(s.status) }),
        el("td", { text: show(s.reason) })]));
    });
    t.appendChild(tb);
    sec.appendChild(el("details", null, [el("summary", { text: sk.length + " listed" }), t]));
    un.forEach(function (u) {
      sec.appendChild(el("p", { class: "muted", text: show(u.source) + ": " + num(u.count)
        + " more " + show(u.status) + " (" + show(u.kind) + "), counted, not listed" }));
    });
    return sec;
  }

  app.appendChild(summary());
  app.appendChild(graph());
  app.appendChild(clusterList());
  app.appendChild(skips());
  draw();
  document.documentElement.setAttribute("data-ready", "1");
})();
"""

# a code point JSON may carry raw that must not reach the page as is: markup characters (so
# that no `</script>` or `<!--` ends or changes the data block), the two line separators, and
# lone surrogates (a file name that was not UTF-8; they have no UTF-8 form)
_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


def _escape_unsafe(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def data_json(data: Any) -> str:
    """`data` as JSON that is safe inside ``<script type="application/json">``: no ``<``,
    ``>``, ``&``, U+2028/9 or lone surrogate, each written as a ``\\uXXXX`` escape (these
    occur only inside JSON strings, so the escape reads back as the same text)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _UNSAFE.sub(_escape_unsafe, text)


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


#: the Content-Security-Policy: the page's own style sheet and script, nothing else
CSP = (
    f"default-src 'none'; script-src {_hash(_JS)}; style-src {_hash(_CSS)}; "
    "base-uri 'none'; form-action 'none'"
)


def render_html(report: Report, texts: Mapping[str, str]) -> str:
    """The page of `report`, the shared passages of each copy highlighted in `texts`
    (document id -> the text the scan aligned, as `dedup.texts.report_documents` gives it;
    a member whose text is missing is shown without it)."""
    wanted = [m.id for c in report.clusters for m in c.members]
    data = {
        "report": report.to_dict(),
        "texts": {i: texts[i] for i in dict.fromkeys(wanted) if i in texts},
    }
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{PAGE_TITLE}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{PAGE_TITLE}</h1></header>\n"
        "<noscript>This report is drawn by its inline script: open it in a browser with "
        "JavaScript on.</noscript>\n"
        '<main id="app"></main>\n'
        f'<script id="dedup-data" type="application/json">{data_json(data)}</script>\n'
        f"<script>{_JS}</script>\n"
        "</body>\n</html>\n"
    )
