// SPDX-License-Identifier: MIT
// The Kodemon web page: a key list, a chart of one function's execution times, the statistics of the range.
// It uses only the public HTTP API. The view (key, token, range) lives in the URL's fragment so a view can
// be shared; while the range ends at "now" the chart fetches only what arrived since its last point.
'use strict';

(() => {
  const PRESETS = { '5m': 300, '15m': 900, '1h': 3600, '6h': 21600, '24h': 86400, '7d': 604800, all: null };
  const LIVE_MS = 1000;
  const SLOW_MS = 5000; // key list, status and the statistics of a live range
  const $ = (id) => document.getElementById(id);

  // What is shown: from/to are API time expressions ("now-15m", ISO-8601) or null for an open end.
  const state = { key: null, token: null, from: 'now-15m', to: 'now' };
  let keys = [];
  let chart = null;
  let view = null; // what the chart holds: { mode, points, step, base, lastTs, lastTsCount, span }
  let generation = 0; // a newer load makes every older request's answer stale
  let liveTimer = null;
  let ticking = false;
  let statsAt = 0;
  let waiting = false; // the selected function has no calls yet
  let tokenPrompt = null; // the open API token prompt, which every request answered 401 waits for

  // ---- API -------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, status) { super(message); this.status = status; }
  }

  // URLSearchParams, as every form does: a space is "+", a plus sign %2B, and the API reads them back so.
  function query(params) {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== null && v !== undefined) search.append(k, String(v));
    }
    return search.toString();
  }

  async function api(path, params = {}) {
    const q = query(params);
    const response = await authorizedFetch(q ? `${path}?${q}` : path, 20000);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(body.detail || body.error || response.statusText, response.status);
    return body;
  }

  // ---- API token -----------------------------------------------------------------------------------------
  // A Kodemon with API tokens answers /api/ with 401 until it gets one. The page asks once, keeps the token in
  // this tab's sessionStorage and sends it as a header, so it never lands in the address, history or logs.

  const TOKEN_KEY = 'kodemon.apiToken';

  function storedToken() {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch (error) {
      return null;
    }
  }

  // fetch with the token; on 401 it asks for one (once for every request waiting) and tries again.
  async function authorizedFetch(url, timeoutMs) {
    for (;;) {
      const sent = storedToken();
      const headers = sent ? { Authorization: `Bearer ${sent}` } : {};
      const response = await fetch(url, { cache: 'no-store', headers, signal: AbortSignal.timeout(timeoutMs) });
      if (response.status !== 401) return response;
      // Another request's prompt may have brought a new token meanwhile: that one is tried first.
      if (storedToken() === sent) await askForToken({ rejected: sent !== null, optional: false });
    }
  }

  function askForToken({ rejected, optional }) {
    if (tokenPrompt) return tokenPrompt;
    tokenPrompt = new Promise((resolve) => {
      const dialog = $('token-dialog');
      const input = $('token-input');
      $('token-title').textContent = optional ? 'API token' : 'API token needed';
      $('token-error').hidden = !rejected;
      $('token-cancel').hidden = !optional;
      input.value = '';
      const finish = (token) => {
        if (token) sessionStorage.setItem(TOKEN_KEY, token);
        dialog.close();
        tokenPrompt = null;
        $('token-change').hidden = !storedToken();
        resolve();
      };
      $('token-form').onsubmit = (event) => {
        event.preventDefault();
        // Pasted with its scheme or spaces: only the token itself is kept.
        const token = input.value.trim().replace(/^Bearer\s+/i, '');
        if (token) finish(token);
      };
      $('token-cancel').onclick = () => finish(null);
      // Escape closes only a prompt the user opened: without a token the page has nothing to show.
      dialog.oncancel = (event) => {
        if (optional) finish(null);
        else event.preventDefault();
      };
      dialog.showModal();
      input.focus();
    });
    return tokenPrompt;
  }

  async function changeToken() {
    await askForToken({ rejected: false, optional: true });
    refreshKeys();
    refreshStatus();
    load();
  }

  function selector(extra = {}) {
    return { key: state.key, token: state.token, from: state.from, to: state.to, ...extra };
  }

  // ---- URL state ---------------------------------------------------------------------------------------

  function readHash() {
    // Read as query() wrote it ("+" a space); a malformed "%" in a pasted link is kept, never thrown.
    const params = Object.fromEntries(new URLSearchParams(location.hash.replace(/^#/, '')));
    state.key = params.key ?? null;
    state.token = params.token ?? null;
    state.from = 'from' in params ? (params.from || null) : 'now-15m';
    state.to = 'to' in params ? (params.to || null) : 'now';
  }

  function writeHash() {
    const hash = query({ key: state.key, token: state.token, from: state.from ?? '', to: state.to ?? '' });
    if (location.hash.slice(1) !== hash) history.replaceState(null, '', `#${hash}`);
  }

  const isLive = () => !state.to || state.to === 'now';
  const presetOf = () => {
    if (!state.from && !state.to) return 'all';
    const match = /^now-(\d+)([mhd])$/.exec(state.from || '');
    if (!match || state.to !== 'now') return null;
    return Object.keys(PRESETS).find((p) => p === `${match[1]}${match[2]}`) ?? null;
  };

  // ---- formatting --------------------------------------------------------------------------------------

  function ms(value) {
    if (value === null || value === undefined || Number.isNaN(value)) return '–';
    const digits = value < 1 ? 3 : value < 100 ? 2 : 1;
    return `${value.toFixed(digits)} ms`;
  }

  const integer = (n) => Number(n).toLocaleString('en-US');

  function duration(seconds) {
    if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
    if (seconds < 120) return `${Number(seconds.toFixed(1))} s`;
    if (seconds < 7200) return `${Number((seconds / 60).toFixed(1))} min`;
    return `${Number((seconds / 3600).toFixed(1))} h`;
  }

  function ago(seconds) {
    const s = Math.max(0, Date.now() / 1000 - seconds);
    if (s < 60) return `${Math.floor(s)}s ago`;
    if (s < 3600) return `${Math.floor(s / 60)}m ago`;
    if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
    return `${Math.floor(s / 86400)}d ago`;
  }

  function localInput(seconds) {
    const d = new Date(seconds * 1000);
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  const when = (seconds) => new Date(seconds * 1000).toLocaleString();

  function splitKey(key) {
    const dash = key.lastIndexOf('-');
    return dash < 0 ? { fn: key, path: '' } : { fn: key.slice(dash + 1), path: key.slice(0, dash) };
  }

  // ---- key list ----------------------------------------------------------------------------------------

  async function refreshKeys() {
    try {
      keys = (await api('/api/keys')).keys;
      renderKeys();
      // A function asked for before it sent anything is shown as soon as it does.
      if (waiting && keys.some((k) => k.key === state.key && (state.token === null || k.token === state.token))) load();
    } catch (error) {
      showError(`Cannot list the functions: ${error.message}`);
    }
  }

  function renderKeys() {
    const filter = $('filter').value.trim().toLowerCase();
    const shown = keys.filter((k) => !filter || k.key.toLowerCase().includes(filter) || k.token.toLowerCase().includes(filter));
    const list = $('keys');
    const items = shown.map((k) => {
      const li = document.createElement('li');
      const { fn, path } = splitKey(k.key);
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(k.key === state.key && k.token === state.token));
      li.dataset.key = k.key;
      li.dataset.token = k.token;
      li.title = `${k.key}\ntoken: ${k.token || '(none)'}\n${integer(k.count)} calls, mean ${ms(k.mean)}`;
      const name = document.createElement('span');
      name.className = 'fn';
      name.textContent = fn;
      if (k.token) {
        const token = document.createElement('span');
        token.className = 'token';
        token.textContent = k.token;
        name.append(token);
      }
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = integer(k.count);
      const where = document.createElement('span');
      where.className = 'path';
      where.textContent = path ? `\u200e${path}` : '';
      const seen = document.createElement('span');
      seen.className = `seen${Date.now() / 1000 - k.last < 60 ? ' recent' : ''}`;
      seen.textContent = ago(k.last);
      li.append(name, count, where, seen);
      return li;
    });
    list.replaceChildren(...items);
    $('key-count').textContent = `${shown.length}${shown.length === keys.length ? '' : ` of ${keys.length}`} function${keys.length === 1 ? '' : 's'}`;
    $('keys-empty').hidden = keys.length > 0;
  }

  // With a token the link cannot carry it: the CSV is fetched with the header and saved from memory. An open
  // Kodemon keeps the plain link, which the browser streams to disk however long the range.
  async function downloadCsv(event) {
    if (!storedToken()) return;
    event.preventDefault();
    try {
      const response = await authorizedFetch($('csv').href, 600000);
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        throw new ApiError(body.detail || response.statusText, response.status);
      }
      const blob = await response.blob();
      const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = name ? name[1] : 'kodemon.csv';
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (error) {
      showError(`The CSV download failed: ${error.message}`);
    }
  }

  function selectKey(key, token) {
    state.key = key;
    state.token = token;
    changed();
  }

  // ---- range -------------------------------------------------------------------------------------------

  function setPreset(name) {
    if (PRESETS[name] === null) {
      state.from = null;
      state.to = null;
    } else {
      state.from = `now-${name}`;
      state.to = 'now';
    }
    changed();
  }

  function applyCustom(event) {
    event.preventDefault();
    const from = $('from').value;
    const to = $('to').value;
    if (!from) return;
    state.from = new Date(from).toISOString();
    state.to = to ? new Date(to).toISOString() : null;
    changed();
  }

  function renderRange(resolvedFrom, resolvedTo) {
    const preset = presetOf();
    for (const button of $('presets').querySelectorAll('button'))
      button.setAttribute('aria-pressed', String(button.dataset.range === preset));
    if (resolvedFrom !== undefined) {
      $('from').value = resolvedFrom === null ? '' : localInput(resolvedFrom);
      $('to').value = resolvedTo === null || isLive() ? '' : localInput(resolvedTo);
    }
    $('live').hidden = !(state.key && isLive());
    const csv = $('csv');
    csv.hidden = !state.key;
    csv.href = state.key ? `/api/executions?${query({ ...selector(), format: 'csv' })}` : '#';
  }

  // ---- loading ------------------------------------------------------------------------------------------

  function changed() {
    writeHash();
    renderKeys();
    load();
  }

  function plotWidth() {
    return Math.max(200, $('chart').clientWidth - 70);
  }

  async function load() {
    const gen = ++generation;
    stopLive();
    waiting = false;
    view = null;
    hideError();
    renderRange();
    if (!state.key) {
      $('title').textContent = 'Select a function';
      $('subtitle').textContent = '';
      showChart(null);
      renderStats(null);
      return;
    }
    $('title').textContent = state.key;
    $('title').title = state.key;
    $('subtitle').textContent = state.token === null ? 'all tokens' : `token: ${state.token || '(none)'}`;
    try {
      statsAt = Date.now();
      const stats = await api('/api/stats', selector());
      if (gen !== generation) return;
      renderStats(stats);
      renderRange(stats.from, stats.to);
      const next = stats.count <= plotWidth() ? await loadRaw(stats) : await loadBuckets(stats);
      if (gen !== generation) return;
      view = next;
      showChart(view);
      if (isLive()) startLive(gen);
    } catch (error) {
      if (gen !== generation) return;
      waiting = error.status === 404;
      showChart(null, waiting ? 'No calls of this function yet: it appears here once it sends some.' : '');
      renderStats(null);
      if (error.status !== 404) showError(error.message);
    }
  }

  const spanOf = () => (state.from && PRESETS[presetOf()] ? PRESETS[presetOf()] : null);

  async function loadRaw(stats) {
    const points = [];
    let cursor = null;
    do {
      const page = await api('/api/executions', selector({ limit: 10000, cursor }));
      for (const row of page.executions) points.push([row.timestamp, row.execution_time]);
      cursor = page.next;
    } while (cursor);
    const lastTs = points.length ? points[points.length - 1][0] : stats.from ?? 0;
    return {
      mode: 'raw',
      points,
      lastTs,
      lastTsCount: points.filter((p) => p[0] === lastTs).length,
      span: spanOf(),
    };
  }

  async function loadBuckets(stats) {
    const points = Math.min(10000, Math.max(50, Math.floor(plotWidth() / 2)));
    const series = await api('/api/series', selector({ points }));
    const buckets = series.buckets.map((b) => ({ t: b.t, count: b.count, min: b.min, max: b.max, sum: b.mean * b.count }));
    // Buckets start at the range's start, or at the first call when the range is open there.
    const origin = series.from ?? (buckets.length ? buckets[0].t : stats.from ?? 0);
    // The series covers every call up to its end; later ones are fetched from there. An open end is the
    // last call itself: the calls at that instant are counted so that none is added twice.
    const end = series.to === null ? await lastCall() : { lastTs: series.to, lastTsCount: 0 };
    return { mode: 'buckets', points: buckets, step: series.step, base: origin, ...end, span: spanOf() };
  }

  async function lastCall() {
    const own = (await api('/api/keys', state.token === null ? {} : { token: state.token })).keys
      .filter((k) => k.key === state.key);
    const lastTs = Math.max(...own.map((k) => k.last));
    const at = await api('/api/stats', selector({ from: lastTs, to: lastTs }));
    return { lastTs, lastTsCount: at.count };
  }

  // ---- live --------------------------------------------------------------------------------------------

  function startLive(gen) {
    liveTimer = setInterval(() => tick(gen), LIVE_MS);
  }

  function stopLive() {
    clearInterval(liveTimer);
    liveTimer = null;
  }

  // Fetches what arrived since the last point (the API's "from" is inclusive: rows at the last point's
  // timestamp that are already shown are skipped) and appends it.
  async function tick(gen) {
    if (ticking || !view) return;
    ticking = true;
    try {
      let cursor = null;
      let rows = [];
      do {
        const page = await api('/api/executions', selector({ from: view.lastTs, limit: 10000, cursor }));
        rows = rows.concat(page.executions);
        cursor = page.next;
      } while (cursor && gen === generation);
      if (gen !== generation) return;
      let skip = view.lastTsCount;
      rows = rows.filter((r) => !(r.timestamp === view.lastTs && skip-- > 0));
      append(rows);
      slide();
      // Grown far past what the chart can show point by point: load again, as buckets.
      if (view.points.length > 4 * plotWidth()) {
        load();
        return;
      }
      showChart(view);
      if (rows.length && Date.now() - statsAt > 2000) refreshStats(gen);
    } catch (error) {
      if (gen === generation) showError(`Live update failed: ${error.message}`);
    } finally {
      ticking = false;
    }
  }

  function append(rows) {
    for (const row of rows) {
      if (row.timestamp === view.lastTs) view.lastTsCount += 1;
      else if (row.timestamp > view.lastTs) {
        view.lastTs = row.timestamp;
        view.lastTsCount = 1;
      }
      if (view.mode === 'raw') view.points.push([row.timestamp, row.execution_time]);
      else addToBucket(row);
    }
  }

  function addToBucket(row) {
    const start = view.base + Math.floor((row.timestamp - view.base) / view.step) * view.step;
    let bucket = view.points[view.points.length - 1];
    if (!bucket || Math.abs(bucket.t - start) > view.step / 1000) {
      bucket = { t: start, count: 0, min: Infinity, max: -Infinity, sum: 0 };
      view.points.push(bucket);
      view.points.sort((a, b) => a.t - b.t);
    }
    bucket.count += 1;
    bucket.min = Math.min(bucket.min, row.execution_time);
    bucket.max = Math.max(bucket.max, row.execution_time);
    bucket.sum += row.execution_time;
  }

  // A relative range moves with the clock: what falls out of it on the left is dropped.
  function slide() {
    if (!view.span) return;
    const cutoff = Date.now() / 1000 - view.span;
    const keep = view.mode === 'raw' ? (p) => p[0] >= cutoff : (b) => b.t + view.step >= cutoff;
    const first = view.points.findIndex(keep);
    if (first > 0) view.points.splice(0, first);
    else if (first < 0) view.points.length = 0;
  }

  // The statistics of a live range are asked for again at most every 2 s (they read the whole range).
  async function refreshStats(gen) {
    statsAt = Date.now();
    try {
      const stats = await api('/api/stats', selector());
      if (gen === generation) renderStats(stats);
    } catch (error) { /* the live tick reports problems */ }
  }

  function refreshSlow() {
    if (tokenPrompt) return; // nothing to show until a token is given; requests would only queue up
    refreshKeys();
    refreshStatus();
    if (state.key && isLive() && liveTimer) refreshStats(generation);
  }

  // ---- chart ---------------------------------------------------------------------------------------------

  function chartData(v) {
    if (v.mode === 'raw') return v.points.map(([t, value]) => [new Date(t * 1000), value]);
    return v.points.map((b) => [new Date((b.t + v.step / 2) * 1000), [b.min, b.sum / b.count, b.max]]);
  }

  function legend(data) {
    if (data.x === undefined || !data.series.length || !view) return '';
    const series = data.series[0];
    const time = new Date(data.x).toLocaleString();
    if (view.mode === 'raw') return `${time} &nbsp;<b>${ms(series.y)}</b>`;
    const row = chart.getValue(data.i, 1);
    return `${time} &nbsp;min <b>${ms(row[0])}</b> mean <b>${ms(row[1])}</b> max <b>${ms(row[2])}</b>`;
  }

  function options(v) {
    const now = Date.now();
    return {
      labels: ['Time', 'Execution time'],
      customBars: v.mode === 'buckets',
      drawPoints: v.mode === 'raw',
      pointSize: 2,
      strokeWidth: v.mode === 'raw' ? 1 : 1.5,
      colors: ['#4ea1ff'],
      fillAlpha: 0.22,
      includeZero: true,
      axisLineColor: '#3a4350',
      gridLineColor: '#232a33',
      axisLabelFontSize: 11,
      labelsDiv: $('legend'),
      legend: 'always',
      legendFormatter: legend,
      labelsUTC: false,
      connectSeparatedPoints: false,
      dateWindow: v.span && isLive() ? [now - v.span * 1000, now] : null,
      axes: {
        y: { axisLabelWidth: 64, valueFormatter: (y) => ms(y), axisLabelFormatter: (y) => `${y} ms` },
        x: { axisLabelWidth: 70 },
      },
      zoomCallback: (minX, maxX) => {
        if (!chart || !chart.isZoomed('x')) return;
        // A drag-zoom becomes the range: precise data for it, and a URL that shows it.
        state.from = new Date(minX).toISOString();
        state.to = new Date(maxX).toISOString();
        changed();
      },
    };
  }

  function showChart(v, emptyMessage) {
    const div = $('chart');
    const count = v ? v.points.length : 0;
    div.dataset.mode = v ? v.mode : 'none';
    div.dataset.points = String(count);
    div.dataset.calls = String(v ? (v.mode === 'raw' ? count : v.points.reduce((n, b) => n + b.count, 0)) : 0);
    div.dataset.last = v && count ? String(v.mode === 'raw' ? v.points[count - 1][0] : v.lastTs) : '';
    $('chart-mode').textContent = !v || count === 0 ? ''
      : v.mode === 'raw' ? `${integer(count)} calls, each drawn`
        : `${integer(div.dataset.calls)} calls in ${integer(count)} buckets of ${duration(v.step)}: min–max band and mean`;
    if (!v || count === 0) {
      if (chart) chart.destroy();
      chart = null;
      $('legend').textContent = '';
      $('chart-message').textContent = emptyMessage
        ?? (state.key ? 'No calls in this range.' : 'Select a function on the left to see its execution times.');
      return;
    }
    $('chart-message').textContent = '';
    const data = chartData(v);
    if (chart && chart.getOption('customBars') === (v.mode === 'buckets')) {
      chart.updateOptions({ file: data, dateWindow: options(v).dateWindow });
    } else {
      if (chart) chart.destroy();
      chart = new Dygraph(div, data, options(v));
    }
  }

  // ---- statistics and status ------------------------------------------------------------------------------

  function renderStats(stats) {
    for (const dd of $('stats').querySelectorAll('dd')) {
      const name = dd.dataset.stat;
      if (!stats) dd.textContent = '–';
      else if (name === 'count') dd.textContent = integer(stats.count);
      else dd.textContent = stats.count ? ms(stats[name]) : '–';
    }
  }

  async function refreshStatus() {
    try {
      const s = await api('/api/status');
      if (!s.counters) {
        // A token limited to some projects sees no collector-wide counters.
        $('status').textContent = `tokens: ${s.scope.tokens.join(', ')} · v${s.version}`;
        $('status').title = `This API token sees the data of: ${s.scope.tokens.join(', ')}\nUp ${Math.round(s.uptime_seconds)} s`;
        return;
      }
      const c = s.counters;
      const size = s.database.size_bytes >= 0 ? `${(s.database.size_bytes / 1048576).toFixed(1)} MiB` : '?';
      const parts = [
        `UDP ${s.udp.address}:${s.udp.port}`,
        `${integer(c.datagrams_received)} received`,
        `${integer(c.samples_stored)} stored`,
        `${integer(c.rejected_total)} rejected`,
        `db ${size}`,
        `v${s.version}`,
      ];
      const status = $('status');
      status.textContent = parts.join(' · ');
      status.title = `Database: ${s.database.path}\nKernel drops: ${c.kernel_drops}\nUp ${Math.round(s.uptime_seconds)} s`;
      if (c.store_error) {
        const bad = document.createElement('span');
        bad.className = 'bad';
        bad.textContent = ` · storage failing: ${c.store_error}`;
        status.append(bad);
      }
    } catch (error) {
      $('status').textContent = 'Kodemon is not reachable';
    }
  }

  function showError(message) {
    $('error').textContent = message;
    $('error').hidden = false;
  }

  function hideError() {
    $('error').hidden = true;
  }

  // ---- start ---------------------------------------------------------------------------------------------

  function start() {
    readHash();
    $('keys').addEventListener('click', (event) => {
      const li = event.target.closest('li');
      if (li) selectKey(li.dataset.key, li.dataset.token);
    });
    $('filter').addEventListener('input', renderKeys);
    $('presets').addEventListener('click', (event) => {
      const button = event.target.closest('button');
      if (button) setPreset(button.dataset.range);
    });
    $('custom').addEventListener('submit', applyCustom);
    $('csv').addEventListener('click', downloadCsv);
    $('token-change').addEventListener('click', changeToken);
    $('token-change').hidden = !storedToken();
    window.addEventListener('hashchange', () => {
      readHash();
      renderKeys();
      load();
    });
    let resizeTimer = null;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(load, 300);
    });
    refreshKeys();
    refreshStatus();
    load();
    setInterval(refreshSlow, SLOW_MS);
  }

  start();
})();
