// The study page's other charts (Optuna's visualization module): contour, importance, timeline, Pareto front.
'use strict';

(function () {
  const P = window.Plot, valueOf = P.valueOf, complete = P.completeTrials, fresh = P.fresh, range = P.range;

  // Objective over two parameters: inverse-distance-weighted fill on a grid under the trials (plot_contour).
  const MARKS_MAX = 1000;
  function contour(box, trials, px, py, dists, k, label) {
    fresh(box);
    const done = complete(trials, k).filter(t => px in t.params && py in t.params);
    if (!px || !py || px === py || done.length < 2) return P.empty(box, 'contour', 'Contour', 'choose two different parameters with at least two completed trials');
    const xa = P.axisFor(dists[px], done.map(t => t.params[px])), ya = P.axisFor(dists[py], done.map(t => t.params[py]));
    // The fill uses every trial; above MARKS_MAX trials only an even spread of them is marked, or the marks hide the fill.
    const marked = done.length <= MARKS_MAX ? done : done.filter((_, i) => Math.floor(i * MARKS_MAX / done.length) !== Math.floor((i - 1) * MARKS_MAX / done.length));
    const note = marked.length < done.length ? ` (${marked.length.toLocaleString('en')} of ${done.length.toLocaleString('en')} marked)` : '';
    const f = P.frame(box, 'contour', `Contour: ${label} over ${px}, ${py}${note}`, xa, ya, px, py);
    f.svg.setAttribute('data-points', done.length);
    const vals = done.map(t => valueOf(t, k)), [lo, hi] = P.extent(vals);
    const { ux, uy, uv, uw } = sources(done.map(t => P.position(xa, t.params[px])), done.map(t => P.position(ya, t.params[py])), vals);
    const n = 24, cw = f.pw / n, ch = f.ph / n, cells = P.svgEl('g', { class: 'cells' }, f.g);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const cx = (i + 0.5) / n, cy = (j + 0.5) / n;
      let num = 0, den = 0;
      for (let q = 0; q < uv.length; q++) {
        const d2 = (ux[q] - cx) ** 2 + (uy[q] - cy) ** 2 + 1e-9, wq = uw[q] / (d2 * d2);
        num += wq * uv[q]; den += wq;
      }
      P.svgEl('rect', { x: (P.M.l + i * cw).toFixed(1), y: (P.M.t + (n - 1 - j) * ch).toFixed(1), width: (cw + 0.5).toFixed(1), height: (ch + 0.5).toFixed(1), fill: P.viridis((num / den - lo) / (hi - lo || 1)), class: 'cell' }, cells);
    }
    const L = P.layer(f, done.length);
    for (const t of marked) L.point(f.x(t.params[px]), f.y(t.params[py]), '#ffffff', () => `trial ${t.number}: ${P.fmt(valueOf(t, k))}`, 'pt contour-pt');
    L.finish();
    P.legend(box, [[`low ${label} (${P.fmt(lo)})`, P.viridis(0), 'bar'], [`high ${label} (${P.fmt(hi)})`, P.viridis(1), 'bar']]);
    return f.svg;
  }

  // The points the contour's fill interpolates, with their weights: every trial up to BIN_ABOVE trials; above that the
  // trials of each of 32×32 bins merged into one point at their mean position and value, weighted by their count, so the
  // fill costs at most 24² × 32² steps however many trials there are (a bin is three quarters of a fill cell wide).
  const BIN_ABOVE = 2000, BINS = 32;
  function sources(x, y, v) {
    if (v.length <= BIN_ABOVE) return { ux: x, uy: y, uv: v, uw: v.map(() => 1) };
    const acc = new Map();
    for (let q = 0; q < v.length; q++) {
      if (!isFinite(x[q]) || !isFinite(y[q])) continue;
      const key = Math.min(BINS - 1, Math.max(0, Math.floor(x[q] * BINS))) * BINS + Math.min(BINS - 1, Math.max(0, Math.floor(y[q] * BINS)));
      const a = acc.get(key);
      if (a) { a[0] += x[q]; a[1] += y[q]; a[2] += v[q]; a[3]++; } else acc.set(key, [x[q], y[q], v[q], 1]);
    }
    const out = { ux: [], uy: [], uv: [], uw: [] };
    for (const [sx, sy, sv, c] of acc.values()) { out.ux.push(sx / c); out.uy.push(sy / c); out.uv.push(sv / c); out.uw.push(c); }
    return out;
  }

  // Horizontal bars of normalized importances, largest on top (plot_param_importances); the reply's note (how many
  // trials fANOVA used) goes under the title.
  function importance(box, name, title, reply) {
    fresh(box);
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
    if (reply.trials_used !== undefined) {
      const note = document.createElement('p');
      note.className = 'chart-note';
      note.textContent = reply.trials_used < reply.trials_total
        ? `${reply.trials_used.toLocaleString('en')} of ${reply.trials_total.toLocaleString('en')} completed trials (seeded subsample, seed ${reply.subsample_seed})`
        : `all ${reply.trials_total.toLocaleString('en')} completed trials`;
      box.appendChild(note);
    }
    return f.svg;
  }

  // Trials as bars in time (plot_timeline), one lane per worker. Trials run by Study.Optimize record their worker
  // (host/process/thread); when every started trial has one and there are at most LANES workers, those are the lanes.
  // Otherwise (ask/tell trials, Optuna's) the lanes are inferred: as few as the overlaps need, one per concurrently
  // running worker; past LANES lanes, a trial goes to the lane that frees first (its bar overlaps another), so a study
  // of many simultaneous trials stays one screen tall.
  const LANES = 32;
  function timeline(box, trials, now) {
    fresh(box);
    const started = trials.filter(t => t.start !== null).map(t => ({ t, s: t.start, e: t.end !== null ? t.end : now })).sort((a, b) => a.s - b.s || a.t.number - b.t.number);
    if (started.length === 0) return P.empty(box, 'timeline', 'Timeline', 'no trial has started');
    const workers = [...new Set(started.map(b => b.t.worker))];
    const byWorker = started.every(b => b.t.worker) && workers.length <= LANES;
    let names;
    if (byWorker) {
      names = workers;
      for (const b of started) b.lane = workers.indexOf(b.t.worker);
    } else {
      const ends = [];
      for (const b of started) {
        let lane = ends.findIndex(e => e <= b.s);
        if (lane < 0 && ends.length < LANES) { lane = ends.length; ends.push(b.e); }
        else if (lane < 0) { lane = 0; for (let i = 1; i < ends.length; i++) if (ends[i] < ends[lane]) lane = i; }
        ends[lane] = Math.max(ends[lane], b.e);
        b.lane = lane;
      }
      names = ends.map((_, i) => 'worker ' + (i + 1));
    }
    const t0 = started[0].s, lanes = names.slice().reverse();
    let hi = 1e-3;
    for (const b of started) hi = Math.max(hi, (b.e - t0) / 1000);
    const f = P.frame(box, 'timeline', 'Timeline', { kind: 'linear', lo: 0, hi }, { kind: 'cat', choices: lanes }, 'seconds since the first trial started', '', { w: P.W, h: Math.max(160, 80 + 22 * lanes.length) });
    f.svg.setAttribute('data-points', started.length);
    f.svg.setAttribute('data-lanes', lanes.length);
    f.svg.setAttribute('data-lanes-from', byWorker ? 'workers' : 'overlaps');
    const band = f.ph / Math.max(1, lanes.length);
    const L = P.layer(f, started.length);
    for (const b of started) {
      const x0 = f.x((b.s - t0) / 1000), x1 = f.x((b.e - t0) / 1000), cy = f.y(names[b.lane]);
      L.rect(x0, cy - band * 0.35, Math.max(1, x1 - x0), band * 0.7, P.STATE_COLORS[b.t.state] || '#333', () => `trial ${b.t.number} (${b.t.state})`);
    }
    L.finish();
    P.legend(box, Object.entries(P.STATE_COLORS).map(([s, c]) => [s.toLowerCase(), c, 'bar']));
    return f.svg;
  }

  // Two chosen objectives of every completed trial with the non-dominated ones highlighted (plot_pareto_front);
  // front: the numbers of the trials no trial dominates over every objective.
  function pareto(box, trials, front, labels, ox, oy) {
    fresh(box);
    const ok = t => t.state === 'COMPLETE' && t.values && isFinite(t.values[ox]) && isFinite(t.values[oy]);
    const done = trials.filter(ok);
    if (done.length === 0) return P.empty(box, 'pareto', 'Pareto front', 'no completed trial yet');
    const xs = { kind: 'linear', ...range(P.extent(done.map(t => t.values[ox]))) }, ys = { kind: 'linear', ...range(P.extent(done.map(t => t.values[oy]))) };
    const f = P.frame(box, 'pareto', 'Pareto front', xs, ys, labels[ox], labels[oy]);
    f.svg.setAttribute('data-points', done.length);
    const L = P.layer(f, done.length);
    let n = 0;
    for (const t of done) if (!front.has(t.number)) L.point(f.x(t.values[ox]), f.y(t.values[oy]), P.SERIES[0], `trial ${t.number}`);
    for (const t of done) if (front.has(t.number)) { L.point(f.x(t.values[ox]), f.y(t.values[oy]), P.SERIES[1], `trial ${t.number} (Pareto-optimal)`, 'pt front'); n++; }
    L.finish();
    f.svg.setAttribute('data-front', n);
    P.legend(box, [['trial', P.SERIES[0], 'dot'], [labels.length > 2 ? 'Pareto-optimal over all objectives' : 'Pareto-optimal', P.SERIES[1], 'dot']]);
    return f.svg;
  }

  window.Charts = Object.assign(window.Charts || {}, { contour, importance, timeline, pareto });
})();
