// The study page: fetches the trials once, then only those changed since the last update, and redraws what they touch.
'use strict';

(function () {
  const P = window.Plot, C = window.Charts;
  const id = Number(location.pathname.split('/').filter(Boolean).pop());
  const query = new URLSearchParams(location.search);
  const refreshMs = query.has('refresh') ? Number(query.get('refresh')) : 2000;
  const S = { update: 0, trials: [], dists: {}, directions: [], objective: 0, front: new Set(), importanceAt: -1, importanceBusy: false, drawMs: 0, history: null, slice: null };
  const $ = sel => document.querySelector(sel);
  const table = new window.TrialTable($('#trials'));

  function parse(raw) {
    return {
      number: raw.number, state: raw.state, params: raw.params, user_attrs: raw.user_attrs, duration: raw.duration,
      values: raw.values ? raw.values.map(P.num) : null,
      intermediate: raw.intermediate.map(s => [s[0], P.num(s[1])]),
      start: raw.datetime_start ? Date.parse(raw.datetime_start) : null,
      end: raw.datetime_complete ? Date.parse(raw.datetime_complete) : null,
      worker: raw.worker || null,
    };
  }

  async function getJson(url, init) {
    const r = await fetch(url, init);
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  }

  function status(text, isError) {
    const s = $('#status');
    s.textContent = text;
    s.classList.toggle('error', !!isError);
  }

  async function refresh() {
    try {
      const f0 = performance.now();
      const reply = await getJson(`/api/studies/${id}/trials?since=${S.update}`);
      performance.measure('overfit:fetch', { start: f0, duration: performance.now() - f0 });
      const p0 = performance.now();
      const first = S.update === 0 && S.trials.length === 0;
      // Which charts the changed trials touch: those of completed trials only when a trial is or was complete.
      const dirty = { complete: first, steps: first, any: first || reply.trials.length > 0 };
      for (const raw of reply.trials) {
        const t = parse(raw), old = S.trials[t.number];
        if (t.state === 'COMPLETE' || (old && old.state === 'COMPLETE')) dirty.complete = true;
        if (t.intermediate.length > 0 || (old && old.intermediate.length > 0)) dirty.steps = true;
        S.trials[t.number] = t; // the API numbers trials 0..n-1 without gaps
      }
      performance.measure('overfit:parse', { start: p0, duration: performance.now() - p0 });
      S.update = reply.update;
      S.dists = reply.distributions;
      if (first) header(reply);
      if (dirty.any) {
        counts(reply);
        const t0 = performance.now();
        draw(dirty);
        S.drawMs = performance.now() - t0;
        performance.measure('overfit:draw', { start: t0, duration: S.drawMs });
        if (S.directions.length > 1 && dirty.complete) await loadPareto();
        loadImportance(false); // not awaited: fANOVA on a large study takes a while and the plots must not wait for it
      }
      document.body.dataset.update = S.update;
      document.body.dataset.nTrials = S.trials.length;
      document.body.dataset.lastFetched = reply.trials.length;
      status(`${S.trials.length} trials · update ${S.update} · ${reply.trials.length} changed in the last refresh · drawn in ${Math.round(S.drawMs)} ms · ${new Date().toLocaleTimeString()}`);
    } catch (e) {
      status('refresh failed: ' + e.message, true);
    }
    // A large study takes a while to redraw: waiting a few redraw times between refreshes keeps the page responsive.
    if (refreshMs > 0) setTimeout(refresh, Math.max(refreshMs, 4 * (S.drawMs || 0)));
  }

  function header(reply) {
    document.title = reply.name + ' · Overfit dashboard';
    $('#study-name').textContent = reply.name;
    $('#study-direction').textContent = reply.directions.join(', ');
    S.directions = reply.directions;
    $('#csv').href = `/api/studies/${id}/trials.csv`;
    const sel = $('#objective');
    sel.replaceChildren(...reply.directions.map((d, i) => new Option(reply.directions.length === 1 ? 'value' : `values_${i} (${d})`, String(i))));
    sel.parentElement.hidden = reply.directions.length === 1;
    sel.addEventListener('change', () => { S.objective = Number(sel.value); draw({ complete: true, steps: true, any: true }); loadImportance(true); });
    paretoChoices(reply.directions);
    $('#pareto-section').hidden = reply.directions.length < 2;
    document.querySelector('nav a[href="#pareto-section"]').hidden = reply.directions.length < 2;
    const note = $('#note');
    note.value = reply.note || '';
    note.readOnly = !reply.allow_writes;
    $('#save-note').hidden = !reply.allow_writes;
    $('#save-note').addEventListener('click', async () => {
      await getJson(`/api/studies/${id}/note`, { method: 'PUT', body: note.value });
      status('note saved');
    });
    for (const s of ['#contour-x', '#contour-y']) $(s).addEventListener('change', () => drawContour());
  }

  function counts(reply) {
    const parts = Object.entries(reply.states).map(([s, n]) => `${n} ${s.toLowerCase()}`);
    $('#study-counts').textContent = `${reply.n_trials} trials (${parts.join(', ')})` + (reply.best_value !== null ? ` · best value ${P.fmt(P.num(reply.best_value))}` : '');
  }

  const params = () => Object.keys(S.dists).sort();
  const label = () => (S.directions.length === 1 ? 'objective value' : `objective ${S.objective}`);

  // Draws what the changed trials touch; the history and slices paint only trials they lack while their axes hold.
  // Each part's time goes to the browser's performance timeline (overfit:draw:NAME), where profilers and the benchmark read it.
  function timed(name, part) {
    const t0 = performance.now(), r = part();
    performance.measure('overfit:draw:' + name, { start: t0, duration: performance.now() - t0 });
    return r;
  }

  function draw(dirty) {
    const ps = params(), k = S.objective, lab = label();
    if (dirty.complete) {
      S.history = timed('history', () => C.history($('#history'), S.trials, S.directions[k], k, lab, S.history));
      timed('parallel', () => C.parallel($('#parallel'), S.trials, ps, S.dists, k, lab, S.directions[k]));
      S.slice = timed('slice', () => C.slice($('#slice'), S.trials, ps, S.dists, k, lab, S.slice));
      contourChoices(ps);
      timed('contour', drawContour);
      if (S.directions.length > 1) timed('pareto', drawPareto);
    }
    if (dirty.steps) timed('intermediate', () => C.intermediate($('#intermediate'), S.trials, 300));
    timed('timeline', () => C.timeline($('#timeline'), S.trials, Date.now()));
    timed('table', () => table.setData(S.trials, S.directions, ps));
  }

  function contourChoices(ps) {
    for (const [sel, fallback] of [['#contour-x', 0], ['#contour-y', 1]]) {
      const s = $(sel), keep = s.value;
      if (s.options.length === ps.length) continue;
      s.replaceChildren(...ps.map(p => new Option(p, p)));
      s.value = ps.includes(keep) ? keep : (ps[fallback] || ps[0] || '');
    }
  }

  function drawContour() {
    C.contour($('#contour'), S.trials, $('#contour-x').value, $('#contour-y').value, S.dists, S.objective, label());
  }

  // With more than two objectives the Pareto plot shows a chosen pair (the front is over all of them).
  function paretoChoices(directions) {
    const pick = $('#pareto-pick');
    pick.hidden = directions.length < 3;
    for (const [sel, i] of [['#pareto-x', 0], ['#pareto-y', 1]]) {
      const s = $(sel);
      s.replaceChildren(...directions.map((d, j) => new Option(`objective ${j} (${d})`, String(j))));
      s.value = String(i);
      s.addEventListener('change', drawPareto);
    }
  }

  function drawPareto() {
    C.pareto($('#pareto'), S.trials, S.front, S.directions.map((d, i) => `objective ${i} (${d})`), Number($('#pareto-x').value || 0), Number($('#pareto-y').value || 1));
  }

  async function loadPareto() {
    const reply = await getJson(`/api/studies/${id}/pareto`);
    S.front = new Set(reply.numbers);
    drawPareto();
  }

  // Importances cost a forest fit, so they are fetched again only when a tenth more trials completed (or on demand).
  async function loadImportance(force) {
    const done = S.trials.filter(t => t.state === 'COMPLETE').length;
    if (S.importanceBusy || (!force && S.importanceAt >= 0 && done < S.importanceAt * 1.1 + 1)) return;
    S.importanceAt = done;
    S.importanceBusy = true;
    try {
      // PED-ANOVA is quick; fANOVA fits a forest, so it comes second and its panel says so meanwhile.
      for (const [ev, sel, title] of [['ped-anova', '#importance-ped', 'PED-ANOVA importance'], ['fanova', '#importance-fanova', 'fANOVA importance']]) {
        const b = $(sel);
        if (!b.firstChild) C.importance(b, 'importance-pending-' + ev, title, null);
        const reply = await getJson(`/api/studies/${id}/importance?evaluator=${ev}&objective=${S.objective}`);
        C.importance(b, 'importance-' + ev, title, reply);
      }
      document.body.dataset.importance = S.importanceAt;
    } catch (e) {
      status('importance failed: ' + e.message, true);
    } finally {
      S.importanceBusy = false;
    }
  }

  refresh();
})();
