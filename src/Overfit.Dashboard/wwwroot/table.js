// The trial table: sortable by any column (click its header), filtered by state and by text, paged: sort and filter
// work on the trial array, and only the current page of 50 rows is in the DOM, whatever the study's size.
'use strict';

(function () {
  const P = window.Plot;
  const PAGE = 50;

  function TrialTable(root) {
    this.root = root;
    this.sort = { key: 'number', dir: 1 };
    this.page = 0;
    this.filter = root.querySelector('#trial-filter');
    this.state = root.querySelector('#state-filter');
    this.filter.addEventListener('input', () => { this.page = 0; this.render(); });
    this.state.addEventListener('change', () => { this.page = 0; this.render(); });
    root.querySelector('#prev-page').addEventListener('click', () => { if (this.page > 0) { this.page--; this.render(); } });
    root.querySelector('#next-page').addEventListener('click', () => { this.page++; this.render(); });
    this.trials = [];
    this.columns = [];
  }

  TrialTable.prototype.setData = function (trials, directions, params) {
    const keys = new Set();
    for (const t of trials) for (const k in t.user_attrs) keys.add(k);
    const userKeys = [...keys].sort();
    const valueCols = directions.length === 1
      ? [{ key: 'value', label: 'value', get: t => (t.values ? t.values[0] : null) }]
      : directions.map((d, i) => ({ key: 'values_' + i, label: 'values_' + i, get: t => (t.values ? t.values[i] : null) }));
    const columns = [{ key: 'number', label: 'number', get: t => t.number }, { key: 'state', label: 'state', get: t => t.state }]
      .concat(valueCols)
      .concat([{ key: 'duration', label: 'duration (s)', get: t => t.duration }])
      .concat(params.map(p => ({ key: 'params_' + p, label: p, get: t => (p in t.params ? t.params[p] : null) })))
      .concat(userKeys.map(k => ({ key: 'user_attrs_' + k, label: 'user_attrs.' + k, get: t => (k in t.user_attrs ? t.user_attrs[k] : null) })));
    const signature = columns.map(c => c.key).join('\n');
    if (signature !== this.signature) { this.signature = signature; this.columns = columns; this.searchText = new WeakMap(); this.head = null; }
    this.trials = trials;
    this.render();
  };

  const collator = new Intl.Collator('en', { numeric: true });
  const missing = v => v === null || v === undefined || (typeof v === 'number' && isNaN(v));

  function text(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return P.fmt(v);
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  // The lower-cased text of a trial's cells, built once per trial object (a changed trial is a new object).
  TrialTable.prototype.haystack = function (t) {
    let h = this.searchText.get(t);
    if (h === undefined) { h = this.columns.map(c => text(c.get(t)).toLowerCase()).join('\u0001'); this.searchText.set(t, h); }
    return h;
  };

  // Filter and sort run on the trial array (each sort key read once per trial); only the shown page becomes DOM rows.
  TrialTable.prototype.rows = function () {
    const col = this.columns.find(c => c.key === this.sort.key) || this.columns[0];
    const needle = this.filter.value.trim().toLowerCase(), state = this.state.value;
    const rows = [];
    for (const t of this.trials) if (t && (!state || t.state === state) && (!needle || this.haystack(t).includes(needle))) rows.push(t);
    const key = rows.map(t => col.get(t)), num = rows.map(t => t.number), order = rows.map((_, i) => i), dir = this.sort.dir;
    // Missing values sort last in either direction; ties by trial number.
    order.sort((i, j) => {
      const a = key[i], b = key[j], ma = missing(a), mb = missing(b);
      if (ma || mb) return ma === mb ? num[i] - num[j] : ma ? 1 : -1;
      const c = typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
      return dir * c || num[i] - num[j];
    });
    return { col, rows: order.map(i => rows[i]) };
  };

  TrialTable.prototype.header = function (col) {
    if (!this.head) {
      const head = document.createElement('thead'), hr = document.createElement('tr');
      for (const c of this.columns) {
        const th = document.createElement('th');
        th.scope = 'col';
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = c.label;
        b.dataset.key = c.key;
        b.addEventListener('click', () => {
          this.sort = { key: c.key, dir: this.sort.key === c.key ? -this.sort.dir : 1 };
          this.render();
        });
        th.appendChild(b);
        hr.appendChild(th);
      }
      head.appendChild(hr);
      this.head = head;
    }
    for (const th of this.head.querySelectorAll('th')) {
      if (th.firstChild.dataset.key === col.key) th.setAttribute('aria-sort', this.sort.dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    return this.head;
  };

  TrialTable.prototype.render = function () {
    const { col, rows } = this.rows();
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    this.page = Math.min(this.page, pages - 1);
    const table = this.root.querySelector('table');
    const body = document.createElement('tbody');
    for (const t of rows.slice(this.page * PAGE, (this.page + 1) * PAGE)) {
      const tr = document.createElement('tr');
      tr.dataset.number = t.number;
      for (const c of this.columns) {
        const td = document.createElement('td');
        const v = c.get(t);
        td.textContent = text(v);
        if (c.key === 'state') td.className = 'state state-' + v.toLowerCase();
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    table.replaceChildren(this.header(col), body);
    table.dataset.rows = rows.length;
    table.dataset.total = this.trials.length;
    table.dataset.page = this.page;
    this.root.querySelector('#page-info').textContent =
      `${rows.length} of ${this.trials.length} trials · page ${this.page + 1} of ${pages}`;
  };

  window.TrialTable = TrialTable;
})();
