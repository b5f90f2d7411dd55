// The study list: name, direction, trials by state, best value and last update of every study in the storage.
'use strict';

(function () {
  const P = window.Plot;
  const query = new URLSearchParams(location.search);
  const refreshMs = query.has('refresh') ? Number(query.get('refresh')) : 5000;

  async function refresh() {
    const status = document.getElementById('status');
    try {
      const r = await fetch('/api/studies');
      const studies = await r.json();
      if (!r.ok) throw new Error(studies.error || r.statusText);
      const body = document.querySelector('#studies tbody');
      body.replaceChildren(...studies.map(s => {
        const tr = document.createElement('tr');
        tr.dataset.studyId = s.study_id;
        const link = document.createElement('a');
        link.href = '/studies/' + s.study_id;
        link.textContent = s.name;
        const states = Object.entries(s.states).map(([k, n]) => `${n} ${k.toLowerCase()}`).join(', ');
        const cells = [link, s.directions.join(', '), String(s.n_trials), states,
          s.best_value === null ? '' : P.fmt(P.num(s.best_value)), s.last_update ? s.last_update.replace('T', ' ').slice(0, 19) : ''];
        for (const c of cells) {
          const td = document.createElement('td');
          td.append(c);
          tr.appendChild(td);
        }
        return tr;
      }));
      status.textContent = `${studies.length} studies · ${new Date().toLocaleTimeString()}`;
      status.classList.remove('error');
      document.body.dataset.studies = studies.length;
    } catch (e) {
      status.textContent = 'refresh failed: ' + e.message;
      status.classList.add('error');
    }
    if (refreshMs > 0) setTimeout(refresh, refreshMs);
  }

  refresh();
})();
