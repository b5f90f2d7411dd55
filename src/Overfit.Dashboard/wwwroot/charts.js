// The study page's charts, each drawn from the trial list into its own container (Optuna's visualization module).
'use strict';

(function () {
  const P = window.Plot;
  const valueOf = (t, k) => (t.values ? t.values[k] : NaN);
  const complete = (trials, k) => trials.filter(t => t.state === 'COMPLETE' && isFinite(valueOf(t, k)));

  // Objective value per completed trial, with the best value so far as a step line (plot_optimization_history).
  function history(box, trials, direction, k, label) {
    const done = complete(trials, k);
    if (done.length === 0) return P.empty(box, 'history', 'Optimization history', 'no completed trial yet');
    const xs = { kind: 'linear', lo: 0, hi: Math.max(1, ...done.map(t => t.number)) };
    const ys = { kind: 'linear', ...range(P.extent(done.map(t => valueOf(t, k)))) };
    const f = P.frame(box, 'history', 'Optimization history', xs, ys, 'trial', label);
    f.svg.setAttribute('data-points', done.length);
    for (const t of done) P.point(f.g, f.x(t.number), f.y(valueOf(t, k)), P.SERIES[0], `trial ${t.number}: ${P.fmt(valueOf(t, k))}`);
    if (direction === 'minimize' || direction === 'maximize') {
      let best = null, pts = [];
      for (const t of done) {
        const v = valueOf(t, k);
        if (best === null || (direction === 'minimize' ? v < best : v > best)) {
          if (best !== null) pts.push(`${f.x(t.number).toFixed(1)},${f.y(best).toFixed(1)}`);
          best = v;
        }
        pts.push(`${f.x(t.number).toFixed(1)},${f.y(best).toFixed(1)}`);
      }
      P.svgEl('polyline', { points: pts.join(' '), class: 'best', stroke: P.SERIES[1] }, f.g);
      P.legend(box, [['objective value', P.SERIES[0], 'dot'], ['best so far', P.SERIES[1], 'bar']]);
    }
    return f.svg;
  }

  function range([lo, hi]) { return { lo, hi }; }

  // Reported values per step, newest trials first; a cross marks where the pruner stopped a trial (plot_intermediate_values).
  function intermediate(box, trials, limit) {
    const withSteps = trials.filter(t => t.intermediate.length > 0).slice(-limit);
    if (withSteps.length === 0) return P.empty(box, 'intermediate', 'Intermediate values', 'no trial reported intermediate values');
    const steps = withSteps.flatMap(t => t.intermediate.map(s => s[0]));
    const vals = withSteps.flatMap(t => t.intermediate.map(s => s[1]));
    const xs = { kind: 'linear', ...range(P.extent(steps)) }, ys = { kind: 'linear', ...range(P.extent(vals)) };
    const f = P.frame(box, 'intermediate', 'Intermediate values', xs, ys, 'step', 'intermediate value');
    f.svg.setAttribute('data-points', withSteps.length);
    let pruned = 0;
    for (const t of withSteps) {
      const ok = t.intermediate.filter(s => isFinite(s[1]));
      const line = P.svgEl('polyline', { points: ok.map(s => `${f.x(s[0]).toFixed(1)},${f.y(s[1]).toFixed(1)}`).join(' '), class: 'curve', stroke: P.STATE_COLORS[t.state] || '#333' }, f.g);
      P.svgEl('title', {}, line).textContent = `trial ${t.number} (${t.state})`;
      if (t.state === 'PRUNED' && ok.length > 0) {
        const [s, v] = ok[ok.length - 1], cx = f.x(s), cy = f.y(v);
        P.svgEl('path', { d: `M${cx - 5},${cy - 5}L${cx + 5},${cy + 5}M${cx - 5},${cy + 5}L${cx + 5},${cy - 5}`, class: 'pruned-mark', stroke: P.STATE_COLORS.PRUNED }, f.g);
        pruned++;
      }
    }
    f.svg.setAttribute('data-pruned', pruned);
    P.legend(box, [['complete', P.STATE_COLORS.COMPLETE, 'bar'], ['pruned (× where stopped)', P.STATE_COLORS.PRUNED, 'bar'], ['running', P.STATE_COLORS.RUNNING, 'bar']]);
    return f.svg;
  }

  // One polyline per completed trial across the objective and every parameter axis (plot_parallel_coordinate).
  function parallel(box, trials, params, dists, k, label) {
    const done = complete(trials, k).filter(t => params.every(p => p in t.params));
    if (done.length === 0 || params.length === 0) return P.empty(box, 'parallel', 'Parallel coordinates', 'no completed trial with every parameter');
    const w = P.W, h = P.H, top = P.M.t + 10, bottom = h - 30, left = 50, right = w - 50;
    const svg = P.svgEl('svg', { viewBox: `0 0 ${w} ${h}`, 'data-plot': 'parallel', 'data-points': done.length, role: 'img', 'aria-label': 'Parallel coordinates', class: 'chart' }, box);
    P.svgEl('text', { x: P.M.l, y: 18, class: 'chart-title' }, svg).textContent = 'Parallel coordinates';
    const cols = [{ name: label, axis: { kind: 'linear', ...range(P.extent(done.map(t => valueOf(t, k)))) }, get: t => valueOf(t, k) }]
      .concat(params.map(p => ({ name: p, axis: P.axisFor(dists[p], done.map(t => t.params[p])), get: t => t.params[p] })));
    const step = (right - left) / Math.max(1, cols.length - 1);
    const [lo, hi] = cols[0].axis.kind === 'linear' ? [cols[0].axis.lo, cols[0].axis.hi] : [0, 1];
    const g = P.svgEl('g', { class: 'marks' }, svg);
    for (const t of done) {
      const pts = cols.map((c, i) => `${(left + i * step).toFixed(1)},${(bottom - P.position(c.axis, c.get(t)) * (bottom - top)).toFixed(1)}`);
      const line = P.svgEl('polyline', { points: pts.join(' '), class: 'line', stroke: P.viridis((valueOf(t, k) - lo) / (hi - lo || 1)) }, g);
      P.svgEl('title', {}, line).textContent = `trial ${t.number}`;
    }
    cols.forEach((c, i) => {
      const x = left + i * step;
      P.svgEl('line', { x1: x, x2: x, y1: top, y2: bottom, class: 'pc-axis' }, svg);
      P.svgEl('text', { x, y: h - 10, 'text-anchor': 'middle', class: 'axis-label' }, svg).textContent = c.name;
      const ends = c.axis.kind === 'cat' ? [c.axis.choices[0], c.axis.choices[c.axis.choices.length - 1]] : [c.axis.lo, c.axis.hi];
      P.svgEl('text', { x: x + 4, y: bottom - 2, class: 'tick-label' }, svg).textContent = P.fmt(ends[0]);
      P.svgEl('text', { x: x + 4, y: top + 10, class: 'tick-label' }, svg).textContent = P.fmt(ends[1]);
    });
    return svg;
  }

  // Objective against each parameter, coloured by trial number (plot_slice).
  function slice(box, trials, params, dists, k, label) {
    const done = complete(trials, k);
    if (done.length === 0 || params.length === 0) return P.empty(box, 'slice', 'Slice', 'no completed trial yet');
    const maxN = Math.max(1, ...done.map(t => t.number));
    const ys = { kind: 'linear', ...range(P.extent(done.map(t => valueOf(t, k)))) };
    for (const p of params) {
      const has = done.filter(t => p in t.params);
      const f = P.frame(box, 'slice-' + p, 'Slice: ' + p, P.axisFor(dists[p], has.map(t => t.params[p])), ys, p, label, { w: 420, h: 300 });
      f.svg.setAttribute('data-points', has.length);
      f.svg.classList.add('small');
      for (const t of has) P.point(f.g, f.x(t.params[p]), f.y(valueOf(t, k)), P.viridis(t.number / maxN), `trial ${t.number}: ${p}=${P.fmt(t.params[p])}`);
    }
    P.legend(box, [['early trials', P.viridis(0), 'dot'], ['late trials', P.viridis(1), 'dot']]);
  }

  // Objective over two parameters: inverse-distance-weighted fill on a grid under the trials (plot_contour).
  function contour(box, trials, px, py, dists, k, label) {
    const done = complete(trials, k).filter(t => px in t.params && py in t.params);
    if (!px || !py || px === py || done.length < 2) return P.empty(box, 'contour', 'Contour', 'choose two different parameters with at least two completed trials');
    const xa = P.axisFor(dists[px], done.map(t => t.params[px])), ya = P.axisFor(dists[py], done.map(t => t.params[py]));
    const f = P.frame(box, 'contour', `Contour: ${label} over ${px}, ${py}`, xa, ya, px, py);
    f.svg.setAttribute('data-points', done.length);
    const vals = done.map(t => valueOf(t, k)), [lo, hi] = P.extent(vals);
    const ux = done.map(t => P.position(xa, t.params[px])), uy = done.map(t => P.position(ya, t.params[py]));
    const n = 24, cw = f.pw / n, ch = f.ph / n, cells = P.svgEl('g', { class: 'cells' }, f.g);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const cx = (i + 0.5) / n, cy = (j + 0.5) / n;
      let num = 0, den = 0;
      for (let q = 0; q < vals.length; q++) {
        const d2 = (ux[q] - cx) ** 2 + (uy[q] - cy) ** 2 + 1e-9, wq = 1 / (d2 * d2);
        num += wq * vals[q]; den += wq;
      }
      P.svgEl('rect', { x: (P.M.l + i * cw).toFixed(1), y: (P.M.t + (n - 1 - j) * ch).toFixed(1), width: (cw + 0.5).toFixed(1), height: (ch + 0.5).toFixed(1), fill: P.viridis((num / den - lo) / (hi - lo || 1)), class: 'cell' }, cells);
    }
    for (const t of done) P.point(f.g, f.x(t.params[px]), f.y(t.params[py]), '#ffffff', `trial ${t.number}: ${P.fmt(valueOf(t, k))}`, 'pt contour-pt');
    P.legend(box, [[`low ${label} (${P.fmt(lo)})`, P.viridis(0), 'bar'], [`high ${label} (${P.fmt(hi)})`, P.viridis(1), 'bar']]);
    return f.svg;
  }

  // Horizontal bars of normalized importances, largest on top (plot_param_importances).
  function importance(box, name, title, reply) {
    if (!reply || !reply.importances) return P.empty(box, name, title, reply ? reply.reason : 'computing…');
    const entries = Object.entries(reply.importances).map(([p, v]) => [p, P.num(v)]);
    if (entries.length === 0) return P.empty(box, name, title, 'no parameter shared by every completed trial');
    const names = entries.map(e => e[0]).reverse();
    const xs = { kind: 'linear', lo: 0, hi: Math.max(1e-12, ...entries.map(e => e[1])) };
    const f = P.frame(box, name, title, xs, { kind: 'cat', choices: names }, 'importance', '', { w: P.W, h: Math.max(140, 60 + 28 * names.length) });
    f.svg.setAttribute('data-points', entries.length);
    const band = f.ph / Math.max(1, names.length);
    for (const [p, v] of entries) {
      const cy = f.y(p), bar = P.svgEl('rect', { x: f.x(0), y: (cy - band * 0.35).toFixed(1), width: Math.max(0, f.x(v) - f.x(0)).toFixed(1), height: (band * 0.7).toFixed(1), fill: P.SERIES[0], class: 'bar' }, f.g);
      P.svgEl('title', {}, bar).textContent = `${p}: ${P.fmt(v)}`;
    }
    return f.svg;
  }

  // Trials as bars in time, on as few lanes as the overlaps need: one lane per concurrently running worker (plot_timeline).
  function timeline(box, trials, now) {
    const started = trials.filter(t => t.start !== null).map(t => ({ t, s: t.start, e: t.end !== null ? t.end : now })).sort((a, b) => a.s - b.s || a.t.number - b.t.number);
    if (started.length === 0) return P.empty(box, 'timeline', 'Timeline', 'no trial has started');
    const ends = [];
    for (const b of started) {
      let lane = ends.findIndex(e => e <= b.s);
      if (lane < 0) { lane = ends.length; ends.push(b.e); } else ends[lane] = b.e;
      b.lane = lane;
    }
    const t0 = started[0].s, lanes = ends.map((_, i) => 'worker ' + (i + 1)).reverse();
    const xs = { kind: 'linear', lo: 0, hi: Math.max(1e-3, ...started.map(b => (b.e - t0) / 1000)) };
    const f = P.frame(box, 'timeline', 'Timeline', xs, { kind: 'cat', choices: lanes }, 'seconds since the first trial started', '', { w: P.W, h: Math.max(160, 80 + 22 * lanes.length) });
    f.svg.setAttribute('data-points', started.length);
    const band = f.ph / Math.max(1, lanes.length);
    for (const b of started) {
      const x0 = f.x((b.s - t0) / 1000), x1 = f.x((b.e - t0) / 1000), cy = f.y('worker ' + (b.lane + 1));
      const r = P.svgEl('rect', { x: x0.toFixed(1), y: (cy - band * 0.35).toFixed(1), width: Math.max(1, x1 - x0).toFixed(1), height: (band * 0.7).toFixed(1), fill: P.STATE_COLORS[b.t.state] || '#333', class: 'bar' }, f.g);
      P.svgEl('title', {}, r).textContent = `trial ${b.t.number} (${b.t.state})`;
    }
    P.legend(box, Object.entries(P.STATE_COLORS).map(([s, c]) => [s.toLowerCase(), c, 'bar']));
    return f.svg;
  }

  // The first two objectives of every completed trial with the non-dominated ones highlighted (plot_pareto_front).
  function pareto(box, trials, front, labels) {
    const done = trials.filter(t => t.state === 'COMPLETE' && t.values && t.values.length >= 2 && isFinite(t.values[0]) && isFinite(t.values[1]));
    if (done.length === 0) return P.empty(box, 'pareto', 'Pareto front', 'no completed trial yet');
    const xs = { kind: 'linear', ...range(P.extent(done.map(t => t.values[0]))) }, ys = { kind: 'linear', ...range(P.extent(done.map(t => t.values[1]))) };
    const f = P.frame(box, 'pareto', 'Pareto front', xs, ys, labels[0], labels[1]);
    f.svg.setAttribute('data-points', done.length);
    let n = 0;
    for (const t of done.filter(t => !front.has(t.number))) P.point(f.g, f.x(t.values[0]), f.y(t.values[1]), P.SERIES[0], `trial ${t.number}`);
    for (const t of done.filter(t => front.has(t.number))) { P.point(f.g, f.x(t.values[0]), f.y(t.values[1]), P.SERIES[1], `trial ${t.number} (Pareto-optimal)`, 'pt front'); n++; }
    f.svg.setAttribute('data-front', n);
    P.legend(box, [['trial', P.SERIES[0], 'dot'], ['Pareto-optimal', P.SERIES[1], 'dot']]);
    return f.svg;
  }

  window.Charts = { history, intermediate, parallel, slice, contour, importance, timeline, pareto };
})();
