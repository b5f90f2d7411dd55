// The study page's charts of the objective (Optuna's visualization module): history, intermediate values, parallel
// coordinates, slices; panels.js has the rest. Each is drawn from the trial list into its own container.
// Marks go through Plot.layer (SVG for small studies, one canvas for large ones). The charts with a mark per completed
// trial (history, slices) return their state: given it back with the same axes, they paint only trials they lack.
'use strict';

(function () {
  const P = window.Plot, valueOf = P.valueOf, complete = P.completeTrials, fresh = P.fresh, range = P.range;
  const maxNumber = ts => { let m = 0; for (const t of ts) if (t.number > m) m = t.number; return m; };

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

  window.Charts = Object.assign(window.Charts || {}, { history, intermediate, parallel, slice });
})();
