// Marks of a chart (Plot.layer): SVG elements for small charts, one canvas for large ones.
'use strict';

(function () {
  const P = window.Plot, svgEl = P.svgEl, point = P.point;

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

  Object.assign(P, { layer, SVG_LIMIT });
})();
