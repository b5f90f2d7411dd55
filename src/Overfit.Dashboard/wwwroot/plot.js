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

// Trial helpers the charts share: the k-th objective value, the completed trials with a finite one, an emptied box.
const valueOf = (t, k) => (t.values ? t.values[k] : NaN);
const completeTrials = (trials, k) => trials.filter(t => t.state === 'COMPLETE' && isFinite(valueOf(t, k)));
const fresh = box => { box.replaceChildren(); return box; };
const range = ([lo, hi]) => ({ lo, hi }); // an extent as an axis's bounds

window.Plot = { svgEl, num, fmt, viridis, extent, axisFor, position, frame, point, niceCeil, empty, legend, valueOf, completeTrials, fresh, range, STATE_COLORS, SERIES, W, H, M };
