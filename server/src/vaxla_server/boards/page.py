"""The web page of a board link: one self-contained HTML document (its CSS and script
inline, nothing fetched but its own socket), in Swedish or English by the browser's
``Accept-Language``.

The script opens ``/api/v1/board-socket/{token}`` and draws each ``BoardFigures`` it is
sent: the tiles a page at a time (amber and red say why in words too), and the chart of
the day as inline SVG (the most callers waiting per 15 minutes as bars, the service
level as a line against the goal). Pages turn every ``page_seconds``, the chart being the
last page; ``?page=N`` (1-based) or ``?page=chart`` holds one page. A socket closed
because the link was revoked replaces the board with a line saying so.
"""

import html
import json
from typing import Literal

from vaxla_protocol import API_PREFIX
from vaxla_protocol.boards import BOARD_SOCKET_PATH, CLOSE_LINK_REVOKED

Language = Literal["sv", "en"]

TEXTS: dict[Language, dict[str, str]] = {
    "sv": {
        "waiting": "väntar",
        "longest": "Längsta väntan",
        "estimate": "Ny uppringare väntar cirka",
        "service": "Servicegrad idag",
        "goal": "mål",
        "today": "Idag: {a} besvarade, {b} avbrutna",
        "agents": "Lediga {r} · i samtal {c} · efterarbete {w} · paus {p}",
        "long_wait": "Lång väntan",
        "many_waiting": "Många väntar",
        "below_goal": "Under servicemålet",
        "page": "Sida {n} av {m}",
        "chart": "Dagen: väntande och servicegrad per kvart",
        "chart_waiting": "Flest väntande samtidigt",
        "chart_level": "Servicegrad",
        "connecting": "Ansluter …",
        "lost": "Anslutningen bröts, försöker igen …",
        "revoked": "Den här länken till tavlan har återkallats.",
        "closed": "Tavlan kan inte visas",
        "none": "-",
    },
    "en": {
        "waiting": "waiting",
        "longest": "Longest wait",
        "estimate": "A new caller waits about",
        "service": "Service level today",
        "goal": "goal",
        "today": "Today: {a} answered, {b} abandoned",
        "agents": "Ready {r} · on a call {c} · wrap-up {w} · paused {p}",
        "long_wait": "Long wait",
        "many_waiting": "Many waiting",
        "below_goal": "Below the service goal",
        "page": "Page {n} of {m}",
        "chart": "The day: waiting callers and service level per 15 minutes",
        "chart_waiting": "Most callers waiting at once",
        "chart_level": "Service level",
        "connecting": "Connecting …",
        "lost": "Connection lost, trying again …",
        "revoked": "This link to the board has been revoked.",
        "closed": "The board cannot be shown",
        "none": "-",
    },
}


def page_language(accept_language: str | None) -> Language:
    """Swedish when the browser ranks it above English (RFC 9110 quality values);
    English otherwise."""
    best: tuple[float, Language] = (-1.0, "en")
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("sv", "en") and quality > 0:
            rank = quality - position * 1e-6  # the earlier of equals wins
            if rank > best[0]:
                best = (rank, "sv" if primary == "sv" else "en")
    return best[1]


_STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:"DejaVu Sans",Arial,sans-serif;background:#202124;color:#fff}
header{display:flex;justify-content:space-between;align-items:baseline;padding:12px 24px}
h1{margin:0;font-size:28px}
#status{font-size:18px;color:#fdd663}
#tiles{display:grid;grid-template-columns:repeat(3,1fr);gap:16px;padding:0 24px}
.tile{border-radius:10px;padding:16px;background:#f1f3f4;color:#202124}
.tile[data-alert="1"]{background:#ffb300;color:#202124}
.tile[data-alert="2"]{background:#b00020;color:#fff}
.tile h2{margin:0 0 4px;font-size:26px}
.tile .waiting{font-size:56px;font-weight:bold}
.tile p{margin:4px 0;font-size:19px}
.tile .why{font-weight:bold}
#chart{padding:0 24px}
#chart h2{font-size:22px;margin:8px 0}
#chart svg{width:100%;height:auto;background:#fff;border-radius:10px}
footer{text-align:right;padding:8px 24px;font-size:16px;color:#bbb}
#gone{padding:48px 24px;font-size:32px}
"""

_SCRIPT = """
const T = __TEXTS__;
const CLOSE_REVOKED = __CLOSE__;
const token = location.pathname.split('/').pop();
const socketUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host
  + __SOCKET__ + '/' + encodeURIComponent(token);
const pinned = new URLSearchParams(location.search).get('page');
let board = null, received = 0, page = 0, turned = 0, gone = false, retry = 1000;
const $ = (id) => document.getElementById(id);
const fmt = (s, v) => s.replace(/\\{(\\w)\\}/g, (_, k) => v[k]);
function mmss(s) {
  s = Math.max(0, Math.floor(s));
  const m = Math.floor(s / 60), r = s % 60;
  return (m >= 60 ? Math.floor(m / 60) + ':' + String(m % 60).padStart(2, '0') : m)
    + ':' + String(r).padStart(2, '0');
}
function pct(v) { return v === null ? T.none : Math.round(v) + ' %'; }
function pageCount() {
  return Math.max(1, Math.ceil(board.tiles.length / board.tiles_per_page)) + 1;
}
function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const k in attrs || {}) node.setAttribute(k, attrs[k]);
  if (text !== undefined) node.textContent = text;
  return node;
}
function drawTiles(onPage) {
  const grid = $('tiles');
  grid.replaceChildren();
  const since = (Date.now() - received) / 1000;
  for (const t of onPage) {
    const tile = el('section', {class: 'tile', 'data-alert': String(t.alert),
      'data-title': t.title, 'data-waiting': String(t.waiting)});
    tile.append(el('h2', {}, t.title));
    tile.append(el('div', {class: 'waiting'}, t.waiting + ' ' + T.waiting));
    const longest = t.waiting ? mmss(t.longest_wait_s + since) : T.none;
    tile.append(el('p', {}, T.longest + ' ' + longest));
    const estimate = t.estimated_wait_s === null || t.estimated_wait_s === undefined
      ? T.none : mmss(t.estimated_wait_s);
    tile.append(el('p', {class: 'estimate'}, T.estimate + ' ' + estimate));
    const goal = t.service_goal_percent === null ? ''
      : ' (' + T.goal + ' ' + pct(t.service_goal_percent) + ')';
    tile.append(el('p', {}, T.service + ' ' + pct(t.service_level_today) + goal));
    tile.append(el('p', {}, fmt(T.today, {a: t.answered_today, b: t.abandoned_today})));
    tile.append(el('p', {}, fmt(T.agents, {r: t.agents_available, c: t.agents_busy,
      w: t.agents_wrap_up, p: t.agents_paused})));
    const why = [];
    if (t.long_wait) why.push(T.long_wait);
    if (t.many_waiting) why.push(T.many_waiting);
    if (t.below_goal) why.push(T.below_goal);
    if (why.length) tile.append(el('p', {class: 'why'}, why.join(' · ')));
    grid.append(tile);
  }
}
const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const k in attrs) node.setAttribute(k, attrs[k]);
  if (text !== undefined) node.textContent = text;
  return node;
}
function drawChart(chart) {
  const box = $('chart');
  box.replaceChildren(el('h2', {}, T.chart));
  if (!chart) return;
  const W = 1200, H = 420, L = 60, R = 60, TOP = 20, B = 50;
  const pts = chart.points, n = Math.max(pts.length, 96);
  const most = Math.max(4, ...pts.map((p) => p.waiting_max));
  const x = (i) => L + (W - L - R) * i / n;
  const yW = (v) => H - B - (H - TOP - B) * v / most;
  const yL = (v) => H - B - (H - TOP - B) * v / 100;
  const g = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, id: 'chart-svg', role: 'img',
    'aria-label': T.chart});
  g.append(svg('line', {x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#555'}));
  for (let h = 0; h <= 24; h += 2) {
    const xi = x(h * 4);
    g.append(svg('line', {x1: xi, y1: TOP, x2: xi, y2: H - B, stroke: '#eee'}));
    g.append(svg('text', {x: xi, y: H - B + 22, 'text-anchor': 'middle', 'font-size': 16,
      fill: '#333'}, String(h).padStart(2, '0')));
  }
  for (let v = 0; v <= most; v += Math.max(1, Math.ceil(most / 4))) {
    g.append(svg('text', {x: L - 8, y: yW(v) + 5, 'text-anchor': 'end', 'font-size': 15,
      fill: '#1a73e8'}, String(v)));
  }
  for (const v of [0, 50, 100]) {
    g.append(svg('text', {x: W - R + 8, y: yL(v) + 5, 'font-size': 15, fill: '#188038'},
      v + ' %'));
  }
  pts.forEach((p, i) => {
    if (p.waiting_max > 0) {
      g.append(svg('rect', {class: 'bar', x: x(i) + 1, y: yW(p.waiting_max),
        width: Math.max(1, x(i + 1) - x(i) - 2), height: H - B - yW(p.waiting_max),
        fill: '#1a73e8', 'data-waiting': p.waiting_max}));
    }
  });
  if (chart.service_goal_percent !== null) {
    g.append(svg('line', {x1: L, x2: W - R, y1: yL(chart.service_goal_percent),
      y2: yL(chart.service_goal_percent), stroke: '#188038', 'stroke-dasharray': '8 6'}));
  }
  const line = pts.map((p, i) => p.service_level === null ? null
    : (x(i) + (x(i + 1) - x(i)) / 2) + ',' + yL(p.service_level)).filter((p) => p);
  if (line.length) {
    g.append(svg('polyline', {points: line.join(' '), fill: 'none', stroke: '#188038',
      'stroke-width': 3, id: 'level-line'}));
  }
  for (const point of line) {
    const [cx, cy] = point.split(',');
    g.append(svg('circle', {class: 'level', cx: cx, cy: cy, r: 5, fill: '#188038'}));
  }
  g.append(svg('text', {x: L, y: H - 6, 'font-size': 16, fill: '#1a73e8'}, '■ ' + T.chart_waiting));
  g.append(svg('text', {x: W - R, y: H - 6, 'font-size': 16, 'text-anchor': 'end',
    fill: '#188038'}, '— ' + T.chart_level + ' (' + T.goal + ' - - -)'));
  box.append(g);
}
function draw() {
  if (!board || gone) return;
  const count = pageCount();
  if (pinned === 'chart') page = count - 1;
  else if (pinned) page = Math.min(count - 1, Math.max(0, parseInt(pinned, 10) - 1));
  page = Math.min(page, count - 1);
  const chartPage = page === count - 1;
  $('tiles').hidden = chartPage;
  $('chart').hidden = !chartPage;
  if (!chartPage) {
    drawTiles(board.tiles.slice(page * board.tiles_per_page, (page + 1) * board.tiles_per_page));
  } else {
    drawChart(board.chart);
  }
  $('page').textContent = fmt(T.page, {n: page + 1, m: count});
}
function tick() {
  if (board && !pinned && Date.now() - turned >= board.page_seconds * 1000) {
    page = (page + 1) % pageCount();
    turned = Date.now();
  }
  draw();
}
function connect() {
  $('status').textContent = T.connecting;
  const ws = new WebSocket(socketUrl);
  ws.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.type !== 'board') return;
    const chart = data.chart || (board && board.chart);
    board = data;
    board.chart = chart;
    received = Date.now();
    retry = 1000;
    $('status').textContent = '';
    $('name').textContent = board.name;
    if (!turned) turned = Date.now();
    draw();
  };
  ws.onclose = (event) => {
    if (event.code === CLOSE_REVOKED) {
      gone = true;
      document.body.setAttribute('data-revoked', '1');
      $('main').replaceChildren(el('p', {id: 'gone'}, T.revoked));
      $('status').textContent = T.closed;
      return;
    }
    $('status').textContent = T.lost;
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 30000);
  };
}
connect();
setInterval(tick, 1000);
"""


def wallboard_page(language: Language, name: str) -> str:
    texts = TEXTS[language]
    script = (
        _SCRIPT.replace("__TEXTS__", json.dumps(texts, ensure_ascii=False))
        .replace("__CLOSE__", str(CLOSE_LINK_REVOKED))
        .replace("__SOCKET__", json.dumps(API_PREFIX + BOARD_SOCKET_PATH))
    )
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{html.escape(name)}</title><style>{_STYLE}</style></head>
<body><header><h1 id="name">{html.escape(name)}</h1><span id="status">{texts["connecting"]}</span>
</header><main id="main"><div id="tiles"></div><div id="chart" hidden></div></main>
<footer id="page"></footer><script>{script}</script></body></html>
"""


def revoked_page(language: Language, reason: str) -> str:
    texts = TEXTS[language]
    message = texts["revoked"] if "revoked" in reason else texts["closed"]
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8"><title>{texts["closed"]}</title>
<style>{_STYLE}</style></head>
<body data-revoked="1"><p id="gone">{html.escape(message)}</p></body></html>
"""
