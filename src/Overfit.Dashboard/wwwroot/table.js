// The trial table: sortable by any column (click its header), filtered by state and by text, paged.
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
    const userKeys = [...new Set(trials.flatMap(t => Object.keys(t.user_attrs)))].sort();
    const valueCols = directions.length === 1
      ? [{ key: 'value', label: 'value', get: t => (t.values ? t.values[0] : null) }]
      : directions.map((d, i) => ({ key: 'values_' + i, label: 'values_' + i, get: t => (t.values ? t.values[i] : null) }));
    this.columns = [{ key: 'number', label: 'number', get: t => t.number }, { key: 'state', label: 'state', get: t => t.state }]
      .concat(valueCols)
      .concat([{ key: 'duration', label: 'duration (s)', get: t => t.duration }])
      .concat(params.map(p => ({ key: 'params_' + p, label: p, get: t => (p in t.params ? t.params[p] : null) })))
      .concat(userKeys.map(k => ({ key: 'user_attrs_' + k, label: 'user_attrs.' + k, get: t => (k in t.user_attrs ? t.user_attrs[k] : null) })));
    this.trials = trials;
    this.render();
  };

  function compare(a, b) {
    if (a === null || a === undefined || (typeof a === 'number' && isNaN(a))) return (b === null || b === undefined) ? 0 : 1;
    if (b === null || b === undefined || (typeof b === 'number' && isNaN(b))) return -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a).localeCompare(String(b));
  }

  function text(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return P.fmt(v);
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  TrialTable.prototype.render = function () {
    const col = this.columns.find(c => c.key === this.sort.key) || this.columns[0];
    const needle = this.filter.value.trim().toLowerCase(), state = this.state.value;
    let rows = this.trials.filter(t => !state || t.state === state);
    if (needle) rows = rows.filter(t => this.columns.some(c => text(c.get(t)).toLowerCase().includes(needle)));
    const dir = this.sort.dir;
    // Missing values sort last in either direction.
    rows = rows.slice().sort((a, b) => {
      const va = col.get(a), vb = col.get(b);
      const ma = va === null || va === undefined || (typeof va === 'number' && isNaN(va));
      const mb = vb === null || vb === undefined || (typeof vb === 'number' && isNaN(vb));
      if (ma || mb) return ma === mb ? a.number - b.number : ma ? 1 : -1;
      return dir * compare(va, vb) || a.number - b.number;
    });
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    this.page = Math.min(this.page, pages - 1);
    const table = this.root.querySelector('table');
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
      if (c.key === col.key) th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
      hr.appendChild(th);
    }
    head.appendChild(hr);
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
    table.replaceChildren(head, body);
    table.dataset.rows = rows.length;
    this.root.querySelector('#page-info').textContent =
      `${rows.length} of ${this.trials.length} trials · page ${this.page + 1} of ${pages}`;
  };

  window.TrialTable = TrialTable;
})();
