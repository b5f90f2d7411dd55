// Small SVG plotting for the dashboard: axes with ticks, scales (linear, log, categorical) and an accessible palette.
// Every chart is an <svg data-plot="NAME" data-points="N" data-drawn="D" data-render="svg|canvas">: N trials shown,
// D marks painted; SVG marks carry a class (pt, line, bar) so they can be counted.
'use strict';

const NS = 'http://www.w3.org/2000/svg';
// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies and dark enough on white.
const STATE_COLORS = { COMPLETE: '#0072B2', PRUNED: '#A66300', FAIL: '#D55E00', RUNNING: '#009E73', WAITING: '#6B6B6B' };
const SERIES = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#A66300', '#56B4E9', '#000000'];
const W = 640, H = 360, M = { l: 64, r: 16, t: 30, b: 44 };

function svgEl(tag, attrs, parent) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

function num(v) { return typeof v === 'string' ? Number(v) : v; }

function fmt(v) {
  if (typeof v !== 'number') return String(v);
  if (!isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

// Viridis, sampled at nine stops: perceptually uniform and readable in grey.
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
// Quantized to 256 levels (invisible), so a canvas can paint every mark of one colour in one path.
const VIRIDIS_CACHE = new Map();
function viridis(t) {
  if (!isFinite(t)) return '#999999';
  const q = Math.round(Math.min(1, Math.max(0, t)) * 255);
  let c = VIRIDIS_CACHE.get(q);
  if (c === undefined) { c = viridisAt(q / 255); VIRIDIS_CACHE.set(q, c); }
  return c;
}
function viridisAt(t) {
  t = t * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(t)), f = t - i;
  const a = hex(VIRIDIS[i]), b = hex(VIRIDIS[i + 1]);
  return 'rgb(' + a.map((c, k) => Math.round(c + (b[k] - c) * f)).join(',') + ')';
}
function hex(s) { return [1, 3, 5].map(i => parseInt(s.slice(i, i + 2), 16)); }

function extent(values) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) { const d = lo === 0 ? 1 : Math.abs(lo) * 0.1; return [lo - d, hi + d]; }
  return [lo, hi];
}

// An axis description: {kind:'linear'|'log'|'cat', lo, hi, choices}. Categorical values map to their index.
function axisFor(dist, values) {
  if (dist && dist.name === 'CategoricalDistribution') return { kind: 'cat', choices: dist.attributes.choices };
  const a = (dist && dist.attributes) || {}, log = !!a.log;
  const finite = values.filter(v => isFinite(v) && (!log || v > 0));
  // The distribution's own range where it has one (widened only by a value outside it): it does not move as trials
  // arrive, so a chart can paint only the new ones.
  if (isFinite(a.low) && isFinite(a.high) && a.high > a.low && (!log || a.low > 0)) {
    let lo = a.low, hi = a.high;
    for (const v of finite) { if (v < lo) lo = v; if (v > hi) hi = v; }
    return { kind: log ? 'log' : 'linear', lo, hi };
  }
  const [lo, hi] = extent(finite);
  return { kind: log ? 'log' : 'linear', lo, hi };
}

function position(axis, v) {
  if (axis.kind === 'cat') {
    const i = axis.choices.findIndex(c => c === v);
    return axis.choices.length === 1 ? 0.5 : i / (axis.choices.length - 1);
  }
  if (axis.kind === 'log') return (Math.log(v) - Math.log(axis.lo)) / (Math.log(axis.hi) - Math.log(axis.lo));
  return (v - axis.lo) / (axis.hi - axis.lo);
}

function ticks(axis, n) {
  if (axis.kind === 'cat') return axis.choices.map(c => ({ v: c, label: String(c) }));
  if (axis.kind === 'log') {
    const out = [];
    for (let e = Math.floor(Math.log10(axis.lo)); e <= Math.ceil(Math.log10(axis.hi)); e++) {
      const v = Math.pow(10, e);
      if (v >= axis.lo && v <= axis.hi) out.push({ v, label: fmt(v) });
    }
    return out.length ? out : [{ v: axis.lo, label: fmt(axis.lo) }, { v: axis.hi, label: fmt(axis.hi) }];
  }
  const span = axis.hi - axis.lo, raw = span / (n || 5), mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(m => m * mag).find(s => span / s <= (n || 5)) || raw;
  const out = [];
  for (let v = Math.ceil(axis.lo / step) * step; v <= axis.hi + step * 1e-9; v += step) out.push({ v, label: fmt(Math.abs(v) < step * 1e-9 ? 0 : v) });
  return out;
}

// A chart frame: an svg with title, axes and a plot group; x() and y() map data to pixels.
function frame(container, name, title, xAxis, yAxis, xLabel, yLabel, size) {
  const w = (size && size.w) || W, h = (size && size.h) || H;
  const svg = svgEl('svg', { viewBox: `0 0 ${w} ${h}`, 'data-plot': name, role: 'img', 'aria-label': title, class: 'chart' }, container);
  svgEl('title', {}, svg).textContent = title;
  const pw = w - M.l - M.r, ph = h - M.t - M.b;
  const x = v => M.l + position(xAxis, v) * pw;
  const y = v => M.t + (1 - position(yAxis, v)) * ph;
  const t = svgEl('text', { x: M.l, y: 18, class: 'chart-title' }, svg); t.textContent = title;
  const axes = svgEl('g', { class: 'axes' }, svg);
  svgEl('rect', { x: M.l, y: M.t, width: pw, height: ph, class: 'plot-bg' }, axes);
  for (const tk of ticks(xAxis, 6)) {
    const px = x(tk.v);
    svgEl('line', { x1: px, x2: px, y1: M.t + ph, y2: M.t + ph + 4, class: 'tick' }, axes);
    const lab = svgEl('text', { x: px, y: M.t + ph + 16, 'text-anchor': 'middle', class: 'tick-label' }, axes);
    lab.textContent = tk.label.length > 12 ? tk.label.slice(0, 11) + '…' : tk.label;
  }
  for (const tk of ticks(yAxis, 5)) {
    const py = y(tk.v);
    svgEl('line', { x1: M.l, x2: M.l + pw, y1: py, y2: py, class: 'grid' }, axes);
    const lab = svgEl('text', { x: M.l - 6, y: py + 4, 'text-anchor': 'end', class: 'tick-label' }, axes);
    lab.textContent = tk.label.length > 10 ? tk.label.slice(0, 9) + '…' : tk.label;
  }
  svgEl('text', { x: M.l + pw / 2, y: h - 6, 'text-anchor': 'middle', class: 'axis-label' }, axes).textContent = xLabel;
  const yl = svgEl('text', { x: 14, y: M.t + ph / 2, 'text-anchor': 'middle', class: 'axis-label', transform: `rotate(-90 14 ${M.t + ph / 2})` }, axes);
  yl.textContent = yLabel;
  const g = svgEl('g', { class: 'marks' }, svg);
  return { svg, g, x, y, pw, ph, w, h };
}

function point(g, x, y, color, label, cls) {
  const c = svgEl('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 3.5, fill: color, class: cls || 'pt' }, g);
  if (label) svgEl('title', {}, c).textContent = label;
  return c;
}

// Marks of a chart go through a layer: SVG elements (each with its <title>) while a chart has at most SVG_LIMIT of them,
// and above that one <canvas> inside the chart's SVG (a foreignObject under the SVG overlays), because ten thousand
// SVG elements take seconds to lay out while a canvas paints them in milliseconds. Either way the chart's
// data-render says which, and data-drawn counts the marks painted, so tests count what is drawn in both.
const SVG_LIMIT = 1000;
const SCALE = 2; // canvas pixels per viewBox unit: sharp at twice the chart's nominal size

function layer(f, expected, before) {
  const canvas = expected > SVG_LIMIT;
  const L = { kind: canvas ? 'canvas' : 'svg', drawn: 0, hits: canvas ? { x: [], y: [], label: [] } : null };
  f.svg.setAttribute('data-render', L.kind);
  // Canvas marks wait in buckets of one style and are painted at finish(), a bucket at a time.
  const buckets = new Map();
  const bucket = (kind, color, cls) => {
    const key = kind + '|' + color + '|' + (cls || '');
    let b = buckets.get(key);
    if (!b) { b = { kind, color, cls: cls || '', v: [] }; buckets.set(key, b); }
    return b.v;
  };
  if (canvas) {
    const fo = svgEl('foreignObject', { x: 0, y: 0, width: f.w, height: f.h, class: 'canvas-layer' });
    f.g.insertBefore(fo, before || null);
    const c = document.createElement('canvas');
    c.width = f.w * SCALE; c.height = f.h * SCALE;
    fo.appendChild(c);
    L.ctx = c.getContext('2d');
    L.ctx.scale(SCALE, SCALE);
    hover(f, L.hits);
  }
  // A label may be a function: canvas marks call it only when hovered, so ten thousand marks build no strings.
  const hit = (x, y, label) => { if (L.hits && label) { L.hits.x.push(x); L.hits.y.push(y); L.hits.label.push(label); } };
  const text = label => (typeof label === 'function' ? label() : label);
  L.point = (x, y, color, label, cls) => {
    L.drawn++;
    if (!canvas) return point(f.g, x, y, color, text(label), cls);
    bucket('point', color, cls).push(x, y);
    hit(x, y, label);
  };
  // pts: [[x, y], …] in viewBox units; cls picks the style (line: 1 px at half opacity; curve: 1.2 px at 0.7).
  L.polyline = (pts, color, label, cls) => {
    L.drawn++;
    if (!canvas) {
      const e = svgEl('polyline', { points: pts.map(p => p[0].toFixed(1) + ',' + p[1].toFixed(1)).join(' '), class: cls, stroke: color }, f.g);
      if (label) svgEl('title', {}, e).textContent = text(label);
      return e;
    }
    bucket('polyline', color, cls).push(pts);
  };
  L.rect = (x, y, w, h, color, label, cls) => {
    L.drawn++;
    if (!canvas) {
      const e = svgEl('rect', { x: x.toFixed(1), y: y.toFixed(1), width: w.toFixed(1), height: h.toFixed(1), fill: color, class: cls || 'bar' }, f.g);
      if (label) svgEl('title', {}, e).textContent = text(label);
      return e;
    }
    bucket('rect', color, cls).push(x, y, w, h);
    hit(x + w / 2, y + h / 2, label);
  };
  L.cross = (cx, cy, color, label) => {
    L.drawn++;
    if (!canvas) {
      const e = svgEl('path', { d: `M${cx - 5},${cy - 5}L${cx + 5},${cy + 5}M${cx - 5},${cy + 5}L${cx + 5},${cy - 5}`, class: 'pruned-mark', stroke: color }, f.g);
      if (label) svgEl('title', {}, e).textContent = text(label);
      return e;
    }
    bucket('cross', color).push(cx, cy);
    hit(cx, cy, label);
  };
  L.finish = () => {
    if (canvas) paint(L.ctx, buckets);
    buckets.clear();
    f.svg.setAttribute('data-drawn', L.drawn);
    return L;
  };
  return L;
}

// The same looks as the SVG classes in style.css (.pt, .front, .contour-pt, .line, .curve, .pruned-mark, .bar). Points
// are copies of one pre-drawn sprite per style: the browser rasterizes a path of ten thousand circles (or one path
// per circle) several times slower than it copies a small bitmap ten thousand times.
const SPRITES = new Map();
function sprite(color, cls) {
  const key = color + '|' + cls;
  let s = SPRITES.get(key);
  if (s) return s;
  const r = cls.includes('front') ? 4.5 : cls.includes('contour') ? 3 : 3.5, half = Math.ceil(r + 1);
  const c = document.createElement('canvas');
  c.width = c.height = 2 * half * SCALE;
  const g = c.getContext('2d');
  g.scale(SCALE, SCALE);
  g.beginPath(); g.arc(half, half, r, 0, 2 * Math.PI);
  g.globalAlpha = 0.85; g.fillStyle = color; g.fill();
  g.globalAlpha = 1; g.lineWidth = cls.includes('contour') ? 0.8 : 0.6; g.strokeStyle = cls.includes('contour') ? '#000' : '#fff'; g.stroke();
  s = { c, off: half * SCALE };
  SPRITES.set(key, s);
  return s;
}

function paint(ctx, buckets) {
  for (const b of buckets.values()) {
    const v = b.v;
    if (b.kind === 'point') {
      const s = sprite(b.color, b.cls);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      for (let i = 0; i < v.length; i += 2) ctx.drawImage(s.c, Math.round(v[i] * SCALE - s.off), Math.round(v[i + 1] * SCALE - s.off));
      ctx.setTransform(SCALE, 0, 0, SCALE, 0, 0);
    } else if (b.kind === 'polyline') {
      ctx.globalAlpha = b.cls === 'curve' ? 0.7 : 0.5; ctx.lineWidth = b.cls === 'curve' ? 1.2 : 1; ctx.strokeStyle = b.color;
      for (const pts of v) {
        ctx.beginPath();
        pts.forEach((p, i) => (i ? ctx.lineTo(p[0], p[1]) : ctx.moveTo(p[0], p[1])));
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
    } else if (b.kind === 'rect') {
      ctx.fillStyle = b.color;
      for (let i = 0; i < v.length; i += 4) ctx.fillRect(v[i], v[i + 1], v[i + 2], v[i + 3]);
    } else {
      ctx.lineWidth = 2; ctx.strokeStyle = b.color;
      for (let i = 0; i < v.length; i += 2) {
        ctx.beginPath();
        ctx.moveTo(v[i] - 5, v[i + 1] - 5); ctx.lineTo(v[i] + 5, v[i + 1] + 5); ctx.moveTo(v[i] - 5, v[i + 1] + 5); ctx.lineTo(v[i] + 5, v[i + 1] - 5);
        ctx.stroke();
      }
    }
  }
}

// Canvas marks have no <title>: the nearest mark within 10 units of the pointer is ringed and labelled instead.
function hover(f, hits) {
  if (f.svg.dataset.hover) return;
  f.svg.dataset.hover = '1';
  const g = svgEl('g', { class: 'hover', 'pointer-events': 'none', visibility: 'hidden' }, f.svg);
  const ring = svgEl('circle', { r: 6, class: 'hover-ring' }, g);
  const box = svgEl('rect', { class: 'hover-box', height: 18, rx: 3 }, g);
  const text = svgEl('text', { class: 'hover-text' }, g);
  f.svg.addEventListener('mousemove', ev => {
    const m = f.svg.getScreenCTM();
    if (!m) return;
    const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
    let best = -1, bd = 100;
    for (let i = 0; i < hits.x.length; i++) {
      const d = (hits.x[i] - p.x) ** 2 + (hits.y[i] - p.y) ** 2;
      if (d < bd) { bd = d; best = i; }
    }
    if (best < 0) { g.setAttribute('visibility', 'hidden'); return; }
    const x = hits.x[best], y = hits.y[best], right = x > f.w / 2;
    ring.setAttribute('cx', x); ring.setAttribute('cy', y);
    const l = hits.label[best];
    text.textContent = typeof l === 'function' ? l() : l;
    const tw = text.getComputedTextLength() + 10;
    const tx = right ? x - 10 - tw : x + 10;
    text.setAttribute('x', tx + 5); text.setAttribute('y', y - 8);
    box.setAttribute('x', tx); box.setAttribute('y', y - 21); box.setAttribute('width', tw);
    g.setAttribute('visibility', 'visible');
  });
  f.svg.addEventListener('mouseleave', () => g.setAttribute('visibility', 'hidden'));
}

// A "nice" upper end for a growing axis (trial numbers): the next multiple of a fiftieth of its magnitude, so a study
// that grows by a few trials keeps its axis and its chart can paint only the new marks.
function niceCeil(v) {
  if (!(v > 0)) return 1;
  const grain = Math.max(1, Math.pow(10, Math.floor(Math.log10(v))) / 50);
  return Math.ceil(v / grain) * grain;
}

function empty(container, name, title, reason) {
  const svg = svgEl('svg', { viewBox: `0 0 ${W} 80`, 'data-plot': name, 'data-points': 0, role: 'img', 'aria-label': title, class: 'chart' }, container);
  svgEl('text', { x: M.l, y: 18, class: 'chart-title' }, svg).textContent = title;
  svgEl('text', { x: M.l, y: 50, class: 'empty' }, svg).textContent = reason;
  return svg;
}

function legend(container, items) {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  for (const [label, color, shape] of items) {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = 'swatch ' + (shape || '');
    sw.style.background = color;
    li.append(sw, document.createTextNode(label));
    ul.appendChild(li);
  }
  container.appendChild(ul);
}

window.Plot = { svgEl, num, fmt, viridis, extent, axisFor, position, frame, point, layer, niceCeil, empty, legend, STATE_COLORS, SERIES, W, H, M, SVG_LIMIT };
