// The study page's charts, each drawn from the trial list into its own container (Optuna's visualization module).
// Marks go through Plot.layer (SVG for small studies, one canvas for large ones). The charts with a mark per completed
// trial (history, slices) return their state: given it back with the same axes, they paint only trials they lack.
'use strict';

(function () {
  const P = window.Plot;
  const valueOf = (t, k) => (t.values ? t.values[k] : NaN);
  const complete = (trials, k) => trials.filter(t => t.state === 'COMPLETE' && isFinite(valueOf(t, k)));
  const maxNumber = ts => { let m = 0; for (const t of ts) if (t.number > m) m = t.number; return m; };
  const range = ([lo, hi]) => ({ lo, hi });
  const fresh = box => { box.replaceChildren(); return box; };

  // The state of an appendable chart: its axes' signature, its frame and layer, and the trial numbers it shows.
  // Paints only the trials it lacks when prev has the same signature and its marks are on canvas (finished trials
  // never change, so the marks already there stay right); otherwise redraws from scratch.
  function appendable(prev, sig, box, expected) {
    return prev && prev.sig === sig && prev.L.kind === 'canvas' && expected > P.SVG_LIMIT && prev.box === box && box.contains(prev.f.svg) ? prev : null;
  }

  // Objective value per completed trial, with the best value so far as a step line (plot_optimization_history).
  function history(box, trials, direction, k, label, prev) {
    const done = complete(trials, k);
    if (done.length === 0) { P.empty(fresh(box), 'history', 'Optimization history', 'no completed trial yet'); return null; }
    const xs = { kind: 'linear', lo: 0, hi: P.niceCeil(Math.max(1, maxNumber(done))) };
    const ys = { kind: 'linear', ...range(P.extent(done.map(t => valueOf(t, k)))) };
    const sig = [xs.hi, ys.lo, ys.hi, direction, k].join();
    let s = appendable(prev, sig, box, done.length);
    if (!s) {
      const f = P.frame(fresh(box), 'history', 'Optimization history', xs, ys, 'trial', label);
      s = { sig, box, f, L: P.layer(f, done.length), numbers: new Set() };
      if (direction === 'minimize' || direction === 'maximize')
        P.legend(box, [['objective value', P.SERIES[0], 'dot'], ['best so far', P.SERIES[1], 'bar']]);
    }
    const f = s.f;
    for (const t of done) {
      if (s.numbers.has(t.number)) continue;
      s.numbers.add(t.number);
      s.L.point(f.x(t.number), f.y(valueOf(t, k)), P.SERIES[0], () => `trial ${t.number}: ${P.fmt(valueOf(t, k))}`);
    }
    f.svg.setAttribute('data-points', done.length);
    s.L.finish();
    if (direction === 'minimize' || direction === 'maximize') {
      // Only the corners of the step line: one vertex pair where the best value changes, and the last trial.
      let best = null;
      const pts = [];
      for (const t of done) {
        const v = valueOf(t, k);
        if (best !== null && !(direction === 'minimize' ? v < best : v > best)) continue;
        if (best !== null) pts.push(`${f.x(t.number).toFixed(1)},${f.y(best).toFixed(1)}`);
        best = v;
        pts.push(`${f.x(t.number).toFixed(1)},${f.y(best).toFixed(1)}`);
      }
      pts.push(`${f.x(done[done.length - 1].number).toFixed(1)},${f.y(best).toFixed(1)}`);
      if (!s.best) {
        s.best = P.svgEl('polyline', { class: 'best', stroke: P.SERIES[1] }, f.g);
        P.svgEl('title', {}, s.best).textContent = 'best value so far';
      }
      s.best.setAttribute('points', pts.join(' '));
    }
    return s;
  }

  // Reported values per step, newest trials first; a cross marks where the pruner stopped a trial (plot_intermediate_values).
  function intermediate(box, trials, limit) {
    fresh(box);
    const withSteps = trials.filter(t => t.intermediate.length > 0).slice(-limit);
    if (withSteps.length === 0) return P.empty(box, 'intermediate', 'Intermediate values', 'no trial reported intermediate values');
    const steps = withSteps.flatMap(t => t.intermediate.map(s => s[0]));
    const vals = withSteps.flatMap(t => t.intermediate.map(s => s[1]));
    const xs = { kind: 'linear', ...range(P.extent(steps)) }, ys = { kind: 'linear', ...range(P.extent(vals)) };
    const title = withSteps.length < trials.filter(t => t.intermediate.length > 0).length ? `Intermediate values (latest ${limit} trials)` : 'Intermediate values';
    const f = P.frame(box, 'intermediate', title, xs, ys, 'step', 'intermediate value');
    f.svg.setAttribute('data-points', withSteps.length);
    const L = P.layer(f, withSteps.length);
    const crosses = [];
    for (const t of withSteps) {
      const ok = t.intermediate.filter(s => isFinite(s[1]));
      L.polyline(ok.map(s => [f.x(s[0]), f.y(s[1])]), P.STATE_COLORS[t.state] || '#333', `trial ${t.number} (${t.state})`, 'curve');
      if (t.state === 'PRUNED' && ok.length > 0) crosses.push([t, ok[ok.length - 1]]);
    }
    // Crosses after every curve, so no later curve covers where a trial was stopped.
    for (const [t, [s, v]] of crosses) L.cross(f.x(s), f.y(v), P.STATE_COLORS.PRUNED, `trial ${t.number} pruned at step ${s}`);
    L.finish();
    f.svg.setAttribute('data-pruned', crosses.length);
    P.legend(box, [['complete', P.STATE_COLORS.COMPLETE, 'bar'], ['pruned (× where stopped)', P.STATE_COLORS.PRUNED, 'bar'], ['running', P.STATE_COLORS.RUNNING, 'bar']]);
    return f.svg;
  }

  // Which completed trials the parallel coordinates draw: all up to LINES_MAX; above that the best LINES_BEST by the
  // objective and an even spread (by trial number) of the rest, LINES_MAX in all. Ten thousand overlapping lines are an
  // unreadable block and take the browser seconds to rasterize; the title says how many are drawn.
  const LINES_MAX = 1000, LINES_BEST = 250;
  function parallelSample(done, direction, k) {
    if (done.length <= LINES_MAX) return { lines: done, short: '', note: '' };
    const sign = direction === 'maximize' ? -1 : 1;
    const best = done.slice().sort((a, b) => sign * (valueOf(a, k) - valueOf(b, k)) || a.number - b.number).slice(0, LINES_BEST);
    const chosen = new Set(best.map(t => t.number)), rest = done.filter(t => !chosen.has(t.number)), want = LINES_MAX - LINES_BEST;
    for (let i = 0; i < want; i++) chosen.add(rest[Math.floor(i * rest.length / want)].number);
    const of = `${LINES_MAX.toLocaleString('en')} of ${done.length.toLocaleString('en')} trials`;
    return { lines: done.filter(t => chosen.has(t.number)), short: `: ${of} (best ${LINES_BEST} + even spread)`, note: `: ${of}, the best ${LINES_BEST} and an even spread of the rest by trial number` };
  }

  // One polyline per completed trial across the objective and every parameter axis (plot_parallel_coordinate).
  function parallel(box, trials, params, dists, k, label, direction) {
    fresh(box);
    const done = complete(trials, k).filter(t => params.every(p => p in t.params));
    if (done.length === 0 || params.length === 0) return P.empty(box, 'parallel', 'Parallel coordinates', 'no completed trial with every parameter');
    const w = P.W, h = P.H, top = P.M.t + 10, bottom = h - 30, left = 50, right = w - 50;
    const { lines, short, note } = parallelSample(done, direction, k), title = 'Parallel coordinates' + note;
    const svg = P.svgEl('svg', { viewBox: `0 0 ${w} ${h}`, 'data-plot': 'parallel', 'data-points': done.length, role: 'img', 'aria-label': title, class: 'chart' }, box);
    P.svgEl('title', {}, svg).textContent = title;
    P.svgEl('text', { x: P.M.l, y: 18, class: 'chart-title' }, svg).textContent = 'Parallel coordinates' + short;
    const cols = [{ name: label, axis: { kind: 'linear', ...range(P.extent(done.map(t => valueOf(t, k)))) }, get: t => valueOf(t, k) }]
      .concat(params.map(p => ({ name: p, axis: P.axisFor(dists[p], done.map(t => t.params[p])), get: t => t.params[p] })));
    const step = (right - left) / Math.max(1, cols.length - 1);
    const [lo, hi] = [cols[0].axis.lo, cols[0].axis.hi];
    const f = { svg, g: P.svgEl('g', { class: 'marks' }, svg), w, h };
    const L = P.layer(f, done.length);
    for (const t of lines)
      L.polyline(cols.map((c, i) => [left + i * step, bottom - P.position(c.axis, c.get(t)) * (bottom - top)]),
        P.viridis((valueOf(t, k) - lo) / (hi - lo || 1)), () => `trial ${t.number}`, 'line');
    L.finish();
    cols.forEach((c, i) => {
      const x = left + i * step;
      P.svgEl('line', { x1: x, x2: x, y1: top, y2: bottom, class: 'pc-axis' }, svg);
      P.svgEl('text', { x, y: h - 10, 'text-anchor': 'middle', class: 'axis-label' }, svg).textContent = c.name;
      const ends = c.axis.kind === 'cat' ? [c.axis.choices[0], c.axis.choices[c.axis.choices.length - 1]] : [c.axis.lo, c.axis.hi];
      P.svgEl('text', { x: x + 4, y: bottom - 2, class: 'tick-label' }, svg).textContent = P.fmt(ends[0]);
      P.svgEl('text', { x: x + 4, y: top + 10, class: 'tick-label' }, svg).textContent = P.fmt(ends[1]);
    });
    P.legend(box, [[`low ${label} (${P.fmt(lo)})`, P.viridis(0), 'bar'], [`high ${label} (${P.fmt(hi)})`, P.viridis(1), 'bar']]);
    return svg;
  }

  // Objective against each parameter, coloured by trial number (plot_slice). prev: the states the last call returned.
  function slice(box, trials, params, dists, k, label, prev) {
    const done = complete(trials, k);
    if (done.length === 0 || params.length === 0) { P.empty(fresh(box), 'slice', 'Slice', 'no completed trial yet'); return null; }
    const maxN = P.niceCeil(Math.max(1, maxNumber(done)));
    const ys = { kind: 'linear', ...range(P.extent(done.map(t => valueOf(t, k)))) };
    const states = {};
    const old = prev && prev.params === params.join() ? prev.states : {};
    const reuse = params.map(p => {
      const has = done.filter(t => p in t.params);
      const xa = P.axisFor(dists[p], has.map(t => t.params[p]));
      const sig = [JSON.stringify(xa), ys.lo, ys.hi, maxN, k].join();
      return { p, has, xa, sig, s: appendable(old[p], sig, box, has.length) };
    });
    // Appending needs every panel's axes unchanged; otherwise all panels are drawn again, in order.
    const all = reuse.every(r => r.s);
    if (!all) fresh(box);
    for (const r of reuse) {
      let s = all ? r.s : null;
      if (!s) {
        const f = P.frame(box, 'slice-' + r.p, 'Slice: ' + r.p, r.xa, ys, r.p, label, { w: 420, h: 300 });
        f.svg.classList.add('small');
        s = { sig: r.sig, box, f, L: P.layer(f, r.has.length), numbers: new Set() };
      }
      for (const t of r.has) {
        if (s.numbers.has(t.number)) continue;
        s.numbers.add(t.number);
        s.L.point(s.f.x(t.params[r.p]), s.f.y(valueOf(t, k)), P.viridis(t.number / maxN), () => `trial ${t.number}: ${r.p}=${P.fmt(t.params[r.p])}`);
      }
      s.f.svg.setAttribute('data-points', r.has.length);
      s.L.finish();
      states[r.p] = s;
    }
    if (!all) P.legend(box, [['early trials', P.viridis(0), 'dot'], ['late trials', P.viridis(1), 'dot']]);
    return { params: params.join(), states };
  }

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

  // Trials as bars in time (plot_timeline), on as few lanes as the overlaps need: one lane per concurrently running
  // worker (the storage does not record which process ran a trial). Past LANES lanes, a trial goes to the lane that
  // frees first (its bar overlaps another), so a study of many simultaneous trials stays one screen tall.
  const LANES = 32;
  function timeline(box, trials, now) {
    fresh(box);
    const started = trials.filter(t => t.start !== null).map(t => ({ t, s: t.start, e: t.end !== null ? t.end : now })).sort((a, b) => a.s - b.s || a.t.number - b.t.number);
    if (started.length === 0) return P.empty(box, 'timeline', 'Timeline', 'no trial has started');
    const ends = [];
    for (const b of started) {
      let lane = ends.findIndex(e => e <= b.s);
      if (lane < 0 && ends.length < LANES) { lane = ends.length; ends.push(b.e); }
      else if (lane < 0) { lane = 0; for (let i = 1; i < ends.length; i++) if (ends[i] < ends[lane]) lane = i; }
      ends[lane] = Math.max(ends[lane], b.e);
      b.lane = lane;
    }
    const names = ends.map((_, i) => 'worker ' + (i + 1));
    const t0 = started[0].s, lanes = names.slice().reverse();
    let hi = 1e-3;
    for (const b of started) hi = Math.max(hi, (b.e - t0) / 1000);
    const f = P.frame(box, 'timeline', 'Timeline', { kind: 'linear', lo: 0, hi }, { kind: 'cat', choices: lanes }, 'seconds since the first trial started', '', { w: P.W, h: Math.max(160, 80 + 22 * lanes.length) });
    f.svg.setAttribute('data-points', started.length);
    f.svg.setAttribute('data-lanes', lanes.length);
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

  window.Charts = { history, intermediate, parallel, slice, contour, importance, timeline, pareto };
})();
