// SPDX-License-Identifier: MIT
// The Kodemon web page: the functions of a range, a chart of one function's execution times, the statistics of
// the range; tag filters, failed calls, grouping by a tag and a baseline to compare with. It uses only the
// public HTTP API. The view (key, token, range, filters, group, baseline, sort) lives in the URL's fragment so
// it can be shared; while the range ends at "now" the chart fetches only what arrived since its last point.
// The page is ES modules without a build step (api, format, tagfilter, filterbar, chart and this one); each file
// is compiled into Kodemon, listed in core/http/CMakeLists.txt, and tests/e2e drives them in Chromium.
import { api, askForToken, askingForToken, ApiError, authorizedFetch, storedToken, url } from './api.js';
import { ChartView, groupColor } from './chart.js';
import { FilterBar } from './filterbar.js';
import * as fmt from './format.js';
import { formatFilter, groupOf, isFailed, normalizeFilter } from './tagfilter.js';

const PRESETS = { '5m': 300, '15m': 900, '1h': 3600, '6h': 21600, '24h': 86400, '7d': 604800, all: null };
const BASELINES = { previous: 'previous period', '-1d': '1 day earlier', '-1w': '1 week earlier' };
// The verdict's words for each: "slower than the same range a week earlier".
const AGAINST = { previous: 'the previous period', '-1d': 'the same range a day earlier', '-1w': 'the same range a week earlier' };
const OFFSETS = { '-1d': 86400, '-1w': 604800 };
const OUTCOMES = ['all', 'succeeded', 'failed'];
const GROUPS = 10; // values with their own line; the API adds "other" and "without the tag"
const LIVE_MS = 1000;
const SLOW_MS = 5000; // functions list, status, the statistics and baseline of a live range
const $ = (id) => document.getElementById(id);

// What is shown: from/to are API time expressions ("now-15m", ISO-8601) or null for an open end; tags are
// filters in the API's text; sort is a column of the functions list, "-" first for descending.
const state = {
  key: null, token: null, from: 'now-15m', to: 'now', tags: [], outcome: 'all', groupBy: null, baseline: null, sort: 'key',
};
let functions = []; // the functions list's rows (/api/functions)
let functionsGen = 0;
let view = null; // what the chart holds: { mode, points | groups, step, base, lastTs, lastTsCount, span }
let overlay = null; // the baseline drawn over it: { label, shift, step, buckets | groups }
let current = null; // the statistics of the range, as last read
let generation = 0; // a newer load makes every older request's answer stale
let focus = null; // the change picked in "What changed", shaded on its function's chart: { key, token, time, .. }
let annotations = []; // the markers of the chart's range (/api/annotations)
let changesScope = { from: state.from, to: state.to, at: 0 }; // the range "What changed" looked at, and when
let liveTimer = null;
let ticking = false;
let statsAt = 0;
let waiting = false; // the selected function has no calls yet

const chart = new ChartView({
  div: $('chart'),
  legend: $('legend'),
  key: $('chart-key'),
  message: $('chart-message'),
  marks: $('chart-marks'),
  onZoom: (minX, maxX) => {
    // A drag-zoom becomes the range: precise data for it, and a URL that shows it.
    state.from = new Date(minX).toISOString();
    state.to = new Date(maxX).toISOString();
    rangeChosen();
  },
  onPickGroup: (group) => {
    const name = state.groupBy;
    addFilter(group.kind === 'missing' ? formatFilter({ op: 'absent', name }) : formatFilter({ op: 'equals', name, value: group.value }));
  },
});

const filterBar = new FilterBar({ onAdd: addFilter, onRemove: removeFilter });

function addFilter(text) {
  if (!state.tags.includes(text)) state.tags = [...state.tags, text];
  changed();
}

function removeFilter(text) {
  state.tags = state.tags.filter((t) => t !== text);
  changed();
}

const filters = () => ({ tag: state.tags, outcome: state.outcome === 'all' ? null : state.outcome });

function selector(extra = {}) {
  return { key: state.key, token: state.token, from: state.from, to: state.to, ...filters(), ...extra };
}

// A baseline needs the start of the range: "All" has none.
const baseline = () => (state.from ? state.baseline : null);

// ---- URL state ---------------------------------------------------------------------------------------

function readHash() {
  // Read as url() wrote it ("+" a space); a malformed "%" in a pasted link is kept, never thrown.
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const get = (name, otherwise = null) => (params.has(name) ? params.get(name) : otherwise);
  state.key = get('key');
  state.token = get('token');
  state.from = params.has('from') ? (params.get('from') || null) : 'now-15m';
  state.to = params.has('to') ? (params.get('to') || null) : 'now';
  state.tags = [];
  for (const text of params.getAll('tag')) {
    try {
      const normal = normalizeFilter(text);
      if (!state.tags.includes(normal)) state.tags.push(normal);
    } catch (error) { /* a filter that does not parse is dropped, not sent */ }
  }
  state.outcome = OUTCOMES.includes(get('outcome')) ? get('outcome') : 'all';
  state.groupBy = get('group_by') || null;
  state.baseline = Object.hasOwn(BASELINES, get('baseline') ?? '') ? get('baseline') : null;
  state.sort = /^-?(key|count|errors|p95|calls)$/.test(get('sort') ?? '') ? get('sort') : 'key';
}

function writeHash() {
  const hash = url('', {
    key: state.key,
    token: state.token,
    from: state.from ?? '',
    to: state.to ?? '',
    ...filters(),
    group_by: state.groupBy,
    baseline: state.baseline,
    sort: state.sort === 'key' ? null : state.sort,
  }).replace(/^\?/, '');
  if (location.hash.slice(1) !== hash) history.replaceState(null, '', `#${hash}`);
}

const isLive = () => !state.to || state.to === 'now';
const presetOf = () => {
  if (!state.from && !state.to) return 'all';
  const match = /^now-(\d+)([mhd])$/.exec(state.from || '');
  if (!match || state.to !== 'now') return null;
  return Object.keys(PRESETS).find((p) => p === `${match[1]}${match[2]}`) ?? null;
};

// ---- functions list ------------------------------------------------------------------------------------

const SORTS = {
  key: (r) => r.key,
  count: (r) => r.count,
  errors: (r) => r.error_rate,
  p95: (r) => r.change?.p95_pct,
  calls: (r) => r.change?.count_pct,
};

async function refreshFunctions() {
  const gen = ++functionsGen;
  try {
    const answer = await api('/api/functions', { from: state.from, to: state.to, ...filters(), baseline: baseline() });
    if (gen !== functionsGen) return;
    functions = answer.functions;
    renderFunctions();
    // A function asked for before it sent anything is shown as soon as it does.
    if (waiting && functions.some((f) => f.key === state.key && (state.token === null || f.token === state.token) && f.total_count)) load();
  } catch (error) {
    if (gen === functionsGen) showError(`Cannot list the functions: ${error.message}`);
  }
}

// Missing values (no baseline, nothing to compare with) sort last whichever the direction.
function sortRows(rows) {
  const descending = state.sort.startsWith('-');
  const column = state.sort.replace(/^-/, '');
  const value = SORTS[column] ?? SORTS.key;
  const order = (a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === y) return a.key.localeCompare(b.key) || a.token.localeCompare(b.token);
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    const by = typeof x === 'string' ? x.localeCompare(y) : x - y;
    return descending ? -by : by;
  };
  return [...rows].sort(order);
}

function renderFunctions() {
  const text = $('filter').value.trim().toLowerCase();
  const shown = sortRows(functions.filter((f) => !text || f.key.toLowerCase().includes(text) || f.token.toLowerCase().includes(text)));
  const compared = baseline() !== null;
  $('keys').classList.toggle('compared', compared);
  $('keys-head').classList.toggle('compared', compared);
  $('keys').replaceChildren(...shown.map(functionItem));
  $('key-count').textContent = `${shown.length}${shown.length === functions.length ? '' : ` of ${functions.length}`} function${functions.length === 1 ? '' : 's'}`;
  $('keys-scope').textContent = [rangeWords(), state.tags.length || state.outcome !== 'all' ? 'filtered' : '',
    compared ? `vs ${BASELINES[baseline()]}` : ''].filter(Boolean).join(' · ');
  $('keys-empty').hidden = functions.length > 0;
  const column = state.sort.replace(/^-/, '');
  for (const button of $('keys-head').querySelectorAll('button')) {
    const active = button.dataset.sort === column;
    button.classList.toggle('sorted', active);
    button.dataset.direction = active ? (state.sort.startsWith('-') ? 'descending' : 'ascending') : '';
    button.setAttribute('aria-pressed', String(active));
  }
}

function rangeWords() {
  const preset = presetOf();
  if (preset === 'all') return 'all time';
  if (preset) return `last ${fmt.duration(PRESETS[preset])}`;
  return 'in the range';
}

function cell(className, text, title) {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  if (title) span.title = title;
  return span;
}

function functionItem(f) {
  const li = document.createElement('li');
  const { fn, path } = fmt.splitKey(f.key);
  li.className = 'keys-grid';
  li.setAttribute('role', 'option');
  li.setAttribute('aria-selected', String(f.key === state.key && f.token === state.token));
  li.dataset.key = f.key;
  li.dataset.token = f.token;
  li.title = `${f.key}\ntoken: ${f.token || '(none)'}\n${fmt.integer(f.count)} calls in the range, mean ${fmt.ms(f.count ? f.mean : null)}, `
    + `p95 ${fmt.ms(f.count ? f.p95 : null)}\n${fmt.integer(f.total_count)} calls in all`;
  const name = cell('fn', fn);
  if (f.token) name.append(cell('token', f.token));
  const errors = cell(`errors${f.errors ? ' failing' : ''}`, fmt.rate(f.error_rate), `${fmt.integer(f.errors)} of ${fmt.integer(f.count)} calls failed`);
  const items = [name, cell('count', fmt.compact(f.count), `${fmt.integer(f.count)} calls in the range`), errors];
  if (f.change) {
    const was = f.baseline;
    items.push(cell(`delta ${fmt.changeClass(f.change.p95_pct)}`, fmt.change(f.change.p95_pct),
      `p95 ${fmt.ms(f.count ? f.p95 : null)}, ${BASELINES[baseline()]} ${fmt.ms(was.count ? was.p95 : null)}`));
    items.push(cell('delta neutral', fmt.change(f.change.count_pct),
      `${fmt.integer(f.count)} calls, ${BASELINES[baseline()]} ${fmt.integer(was.count)}`));
  }
  items.push(cell('path', path ? `\u200e${path}` : ''));
  items.push(cell(`seen${Date.now() / 1000 - f.last < 60 ? ' recent' : ''}`, fmt.ago(f.last), `last call ${new Date(f.last * 1000).toLocaleString()}`));
  li.append(...items);
  return li;
}

function sortBy(column) {
  const now = state.sort.replace(/^-/, '');
  if (now === column) state.sort = state.sort.startsWith('-') ? column : `-${column}`;
  else state.sort = column === 'key' ? 'key' : `-${column}`; // numbers: largest first
  writeHash();
  renderFunctions();
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
    const href = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = href;
    link.download = name ? name[1] : 'kodemon.csv';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(href), 60000);
  } catch (error) {
    showError(`The CSV download failed: ${error.message}`);
  }
}

function selectKey(key, token) {
  state.key = key;
  state.token = token;
  focus = null;
  changed({ list: false });
}

// ---- range and view controls -----------------------------------------------------------------------------

function setPreset(name) {
  if (PRESETS[name] === null) {
    state.from = null;
    state.to = null;
  } else {
    state.from = `now-${name}`;
    state.to = 'now';
  }
  rangeChosen();
}

function applyCustom(event) {
  event.preventDefault();
  const from = $('from').value;
  const to = $('to').value;
  if (!from) return;
  state.from = new Date(from).toISOString();
  state.to = to ? new Date(to).toISOString() : null;
  rangeChosen();
}

// A range the user chose (a preset, custom ends, a drag-zoom): the view and "What changed" follow it, and a
// change's shading is dropped (the range around a change that a click on it shows is not chosen so).
function rangeChosen() {
  focus = null;
  changed();
  refreshChanges(true);
}

function renderRange(resolvedFrom, resolvedTo) {
  const preset = presetOf();
  for (const button of $('presets').querySelectorAll('button'))
    button.setAttribute('aria-pressed', String(button.dataset.range === preset));
  if (resolvedFrom !== undefined) {
    $('from').value = resolvedFrom === null ? '' : fmt.localInput(resolvedFrom);
    $('to').value = resolvedTo === null || isLive() ? '' : fmt.localInput(resolvedTo);
  }
  $('live').hidden = !(state.key && isLive());
  const csv = $('csv');
  csv.hidden = !state.key;
  csv.href = state.key ? url('/api/executions', { ...selector(), format: 'csv' }) : '#';
}

function renderControls() {
  filterBar.setFilters(state.tags);
  for (const button of $('outcome').querySelectorAll('button'))
    button.setAttribute('aria-pressed', String(button.dataset.outcome === state.outcome));
  setGroupOptions(null);
  const select = $('baseline');
  select.value = baseline() ?? '';
  select.disabled = !state.from;
  select.title = state.from ? 'Overlay an earlier range and show the changes' : 'A baseline needs a range with a start: pick one other than All';
}

// The group-by choices: the selected function's tags (or none known yet), and the one in the address.
function setGroupOptions(tags) {
  const select = $('group-by');
  const names = tags ? tags.map((t) => t.name) : [...select.options].slice(1).map((o) => o.value);
  if (state.groupBy && !names.includes(state.groupBy)) names.push(state.groupBy);
  const options = names.map((name) => new Option(name, name));
  select.replaceChildren(new Option('none', ''), ...options);
  select.value = state.groupBy ?? '';
}

// ---- loading ------------------------------------------------------------------------------------------

function changed({ list = true } = {}) {
  writeHash();
  renderControls();
  if (list) refreshFunctions();
  else renderFunctions();
  load();
}

function plotWidth() {
  return Math.max(200, $('chart').clientWidth - 70);
}

// The chart is aria-busy from the moment a load starts until its view (or its error) is shown: what a screen
// reader waits for, and what the end-to-end tests wait for before sending live calls.
async function load() {
  const gen = ++generation;
  stopLive();
  $('chart').setAttribute('aria-busy', 'true');
  waiting = false;
  view = null;
  overlay = null;
  current = null;
  hideError();
  renderRange();
  renderComparison(null);
  if (!state.key) {
    $('title').textContent = 'Select a function';
    $('subtitle').textContent = '';
    showChart();
    renderStats(null);
    filterBar.setTags(null, 'Select a function to see its tags.');
    $('chart').setAttribute('aria-busy', 'false');
    return;
  }
  $('title').textContent = state.key;
  $('title').title = state.key;
  $('subtitle').textContent = subtitle();
  loadTags(gen);
  refreshAnnotations(gen);
  try {
    statsAt = Date.now();
    const stats = await api('/api/stats', selector());
    if (gen !== generation) return;
    current = stats;
    renderStats(stats);
    renderRange(stats.from, stats.to);
    const comparing = baseline() ? loadBaseline(gen, stats) : null;
    const next = await loadView(stats);
    if (gen !== generation) return;
    view = next;
    showChart();
    $('chart').setAttribute('aria-busy', 'false');
    if (isLive()) startLive(gen);
    await comparing;
  } catch (error) {
    if (gen !== generation) return;
    waiting = error.status === 404;
    showChart(waiting ? 'No calls of this function yet: it appears here once it sends some.' : '');
    renderStats(null);
    if (error.status !== 404) showError(error.message);
    $('chart').setAttribute('aria-busy', 'false');
  }
}

function subtitle() {
  const parts = [state.token === null ? 'all tokens' : `token: ${state.token || '(none)'}`];
  if (state.outcome !== 'all') parts.push(`${state.outcome} calls only`);
  if (state.tags.length) parts.push(`${state.tags.length} tag filter${state.tags.length === 1 ? '' : 's'}`);
  if (state.groupBy) parts.push(`grouped by ${state.groupBy}`);
  return parts.join(' · ');
}

// The tags of the selected function's calls in the range (with the filters): the suggestions and group-by choices.
async function loadTags(gen) {
  try {
    const answer = await api('/api/tags', selector({ values: 50 }));
    if (gen !== generation) return;
    filterBar.setTags(answer.tags);
    setGroupOptions(answer.tags);
  } catch (error) {
    if (gen === generation) filterBar.setTags(null, error.status === 404 ? 'This function has no calls yet.' : `Cannot read the tags: ${error.message}`);
  }
}

const spanOf = () => (state.from && PRESETS[presetOf()] ? PRESETS[presetOf()] : null);

async function loadRaw(stats) {
  const points = [];
  let cursor = null;
  do {
    const page = await api('/api/executions', selector({ limit: 10000, cursor }));
    for (const row of page.executions) points.push([row.timestamp, row.execution_time, isFailed(row.extra)]);
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

const bucketPoints = () => Math.min(10000, Math.max(50, Math.floor(plotWidth() / 2)));
const groupPoints = () => Math.max(20, Math.floor(plotWidth() / 6));
const bucketOf = (b) => ({ t: b.t, count: b.count, min: b.min, max: b.max, sum: b.mean * b.count, errors: b.errors });

async function loadBuckets(stats) {
  const series = await api('/api/series', selector({ points: bucketPoints() }));
  const buckets = series.buckets.map(bucketOf);
  return { mode: 'buckets', points: buckets, step: series.step, ...seriesEnd(series, buckets, stats), span: spanOf() };
}

async function loadGroups(stats) {
  // Means only, one line per value: wider buckets than the band's, or ten lines are ten zigzags.
  const series = await api('/api/series', selector({ points: groupPoints(), group_by: state.groupBy, groups: GROUPS }));
  let valueIndex = 0;
  const groups = series.groups.map((g) => ({
    group: g.group,
    count: g.count,
    color: groupColor(g.group, g.group.kind === 'value' ? valueIndex++ : 0),
    buckets: g.buckets.map(bucketOf),
  }));
  const all = groups.flatMap((g) => g.buckets);
  return { mode: 'groups', groups, groupBy: series.group_by, step: series.step, ...seriesEnd(series, all, stats), span: spanOf() };
}

// Buckets start at the range's start, or at the first call when the range is open there.
function seriesEnd(series, buckets, stats) {
  const first = buckets.length ? Math.min(...buckets.map((b) => b.t)) : stats.from ?? 0;
  return { base: series.origin ?? series.from ?? first, lastTs: series.to ?? 0, lastTsCount: 0 };
}

// The view of the range, and while live where later calls start. A raw view holds its calls and knows its last
// one. Buckets do not: later calls are fetched from the function's last call (the calls at that instant are
// counted, to be skipped), not from the series' end ("now" has a fraction of a second, timestamps have none).
// That last call is read before and after the buckets: the same both times, no call was stored in between and
// the view is exact. A call stored in between (a test sending while the page loaded showed it) would otherwise
// be in neither or in both, so the view is read again; with calls arriving all the time the third try is kept,
// and a call stored while it was read may be drawn twice rather than never.
async function loadView(stats) {
  const read = () => (state.groupBy ? loadGroups(stats) : stats.count <= plotWidth() ? loadRaw(stats) : loadBuckets(stats));
  for (let attempt = 1; ; attempt += 1) {
    const before = isLive() ? await lastCall() : null;
    const next = await read();
    if (!before || next.mode === 'raw') return next;
    const after = await lastCall();
    const quiet = before.lastTs === after.lastTs && before.lastTsCount === after.lastTsCount;
    if (quiet || attempt === 3) return { ...next, ...before };
  }
}

async function lastCall() {
  const own = (await api('/api/keys', state.token === null ? {} : { token: state.token })).keys
    .filter((k) => k.key === state.key);
  const lastTs = Math.max(...own.map((k) => k.last));
  const at = await api('/api/stats', selector({ from: lastTs, to: lastTs }));
  return { lastTs, lastTsCount: at.count };
}

// ---- baseline -------------------------------------------------------------------------------------------

// The baseline range of the range the statistics resolved, as the API computes it: the same length just
// before, or the same range one day or week back. Asked for with explicit ends so that the statistics, the
// test and the overlay read exactly the same calls.
function baselineRange(stats) {
  const to = stats.to ?? Date.now() / 1000;
  const shift = baseline() === 'previous' ? to - stats.from : OFFSETS[baseline()];
  return { from: stats.from - shift, to: to - shift, currentTo: to, shift };
}

async function loadBaseline(gen, stats) {
  const range = baselineRange(stats);
  const label = BASELINES[baseline()];
  const ends = { from: range.from, to: range.to };
  const grouped = state.groupBy ? { group_by: state.groupBy, groups: GROUPS } : {};
  // Coarser than the range's own buckets: a dashed line over a few calls a bucket is a zigzag nobody can follow.
  const points = state.groupBy ? groupPoints() : Math.max(20, Math.floor(plotWidth() / 8));
  try {
    // /api/stats for the baseline's figures (its failed calls included), /api/compare for the test.
    const [before, test, series] = await Promise.all([
      api('/api/stats', selector(ends)),
      api('/api/compare', selector({ from: stats.from, to: range.currentTo, baseline_from: range.from, baseline_to: range.to })),
      api('/api/series', selector({ ...ends, points, ...grouped })),
    ]);
    if (gen !== generation) return;
    overlay = { label, shift: range.shift, step: series.step, buckets: series.buckets ?? null, groups: series.groups ?? null };
    renderStats(current, before);
    renderComparison(test, AGAINST[baseline()]);
    if (view) showChart(); // else load() draws it with the overlay once the range's own data is in
  } catch (error) {
    if (gen === generation) showError(`Cannot compare with ${AGAINST[baseline()]}: ${error.message}`);
  }
}

function renderComparison(test, against) {
  const box = $('comparison');
  box.hidden = !test;
  if (!test) {
    box.replaceChildren();
    return;
  }
  const verdict = document.createElement('span');
  verdict.className = `verdict ${test.verdict.replace(/ /g, '-')}`;
  verdict.textContent = test.verdict[0].toUpperCase() + test.verdict.slice(1);
  const range = fmt.span(test.baseline.from, test.baseline.to);
  const words = document.createElement('span');
  words.className = 'verdict-words';
  if (test.verdict === 'no data') {
    words.textContent = test.baseline.count ? 'no call in this range to compare' : `no call in ${against} (${range}) to compare with`;
  } else {
    const shift = fmt.change(test.median_shift_pct);
    const sampled = test.test.sampled ? `, a uniform sample of ${fmt.integer(test.test.n_current)} and ${fmt.integer(test.test.n_baseline)}` : '';
    words.textContent = `median ${shift} against ${against} (${range}) · p = ${fmt.pValue(test.test.p_value)} · `
      + `Mann-Whitney U over ${fmt.integer(test.current.count)} and ${fmt.integer(test.baseline.count)} calls${sampled}`;
    words.title = `A change counts when p < ${test.significance} and the medians differ by at least ${test.min_effect_pct}%.`;
  }
  box.dataset.verdict = test.verdict;
  box.dataset.p = String(test.test.p_value ?? '');
  box.replaceChildren(verdict, words);
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
    // A call of a value without a line of its own (a new group): the groups are read again.
    if (!append(rows)) {
      load();
      return;
    }
    slide();
    // Grown far past what the chart can show point by point: load again, as buckets.
    if (view.mode === 'raw' && view.points.length > 4 * plotWidth()) {
      load();
      return;
    }
    showChart();
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
    const failed = isFailed(row.extra);
    if (view.mode === 'raw') {
      view.points.push([row.timestamp, row.execution_time, failed]);
    } else if (view.mode === 'buckets') {
      addToBucket(view.points, row, failed);
    } else {
      const group = groupOf(row.extra, view.groupBy, view.groups.map((g) => g.group));
      const line = group && view.groups.find((g) => g.group === group);
      if (!line) return false;
      line.count += 1;
      addToBucket(line.buckets, row, failed);
    }
  }
  return true;
}

function addToBucket(buckets, row, failed) {
  const start = view.base + Math.floor((row.timestamp - view.base) / view.step) * view.step;
  let bucket = buckets.find((b) => Math.abs(b.t - start) <= view.step / 1000);
  if (!bucket) {
    bucket = { t: start, count: 0, min: Infinity, max: -Infinity, sum: 0, errors: 0 };
    buckets.push(bucket);
    buckets.sort((a, b) => a.t - b.t);
  }
  bucket.count += 1;
  bucket.min = Math.min(bucket.min, row.execution_time);
  bucket.max = Math.max(bucket.max, row.execution_time);
  bucket.sum += row.execution_time;
  if (failed) bucket.errors += 1;
}

// A relative range moves with the clock: what falls out of it on the left is dropped.
function slide() {
  if (!view.span) return;
  const cutoff = Date.now() / 1000 - view.span;
  const trim = (list, keep) => {
    const first = list.findIndex(keep);
    if (first > 0) list.splice(0, first);
    else if (first < 0) list.length = 0;
  };
  if (view.mode === 'raw') trim(view.points, (p) => p[0] >= cutoff);
  else if (view.mode === 'buckets') trim(view.points, (b) => b.t + view.step >= cutoff);
  else for (const g of view.groups) trim(g.buckets, (b) => b.t + view.step >= cutoff);
}

// The statistics of a live range are asked for again at most every 2 s (they read the whole range); the
// baseline, which reads two ranges and runs a test, with the slow refresh.
async function refreshStats(gen, withBaseline = false) {
  statsAt = Date.now();
  try {
    const stats = await api('/api/stats', selector());
    if (gen !== generation) return;
    current = stats;
    if (withBaseline && baseline()) await loadBaseline(gen, stats);
    else renderStats(stats, overlay ? undefined : null);
  } catch (error) { /* the live tick reports problems */ }
}

function refreshSlow() {
  if (askingForToken()) return; // nothing to show until a token is given; requests would only queue up
  refreshFunctions();
  refreshStatus();
  if (state.key) refreshAnnotations(generation);
  refreshChanges(false);
  if (state.key && isLive() && liveTimer) refreshStats(generation, true);
}

// ---- what changed, and annotations ------------------------------------------------------------------------

// /api/changes looks at every function's calls in the range (core/analysis), seconds on a large database (on a
// thread of the server's own): asked for when the range is chosen, then once a minute while the range is live.
// With four such requests at work already the server answers 503: the list shown stays and it is asked again.
const CHANGES_MS = 60000;
const CHANGES_BUSY_MS = 5000; // the server's Retry-After
const CHANGES_SHOWN = 50;
let shownChanges = [];
let changesGen = 0;

async function refreshChanges(chosen, again = false) {
  if (chosen) changesScope = { from: state.from, to: state.to, groupBy: state.groupBy, at: 0 };
  const live = !changesScope.to || changesScope.to === 'now';
  if (!chosen && !again && (!live || Date.now() - changesScope.at < CHANGES_MS)) return;
  changesScope.at = Date.now();
  const gen = ++changesGen;
  $('changes').setAttribute('aria-busy', 'true');
  try {
    // Grouped by a tag, the changes of each of its values too (a step only the /cart calls had).
    const answer = await api('/api/changes', { from: changesScope.from, to: changesScope.to, limit: CHANGES_SHOWN, group_by: changesScope.groupBy });
    if (gen !== changesGen) return;
    renderChanges(answer);
  } catch (error) {
    if (gen !== changesGen) return;
    if (error.status === 503) {
      if (!shownChanges.length) $('changes-empty').textContent = 'Looking for changes: the server is busy with other requests for them, asking again in a few seconds…';
      setTimeout(() => { if (gen === changesGen) refreshChanges(false, true); }, CHANGES_BUSY_MS);
      return;
    }
    shownChanges = [];
    $('changes').replaceChildren();
    $('changes-scope').textContent = '';
    $('changes-empty').textContent = `Cannot look for changes: ${error.message}`;
  } finally {
    if (gen === changesGen) $('changes').setAttribute('aria-busy', 'false');
  }
}

function renderChanges(answer) {
  shownChanges = answer.changes;
  const range = changesScope.from ? fmt.span(answer.from, answer.to) : `the last 24 hours (${fmt.span(answer.from, answer.to)})`;
  const more = answer.total > shownChanges.length ? ` · the ${shownChanges.length} with most impact of ${fmt.integer(answer.total)}` : '';
  const looked = changesScope.groupBy ? `functions or values of ${changesScope.groupBy}` : 'functions';
  $('changes-scope').textContent = `${fmt.integer(answer.functions)} ${looked}, ${fmt.integer(answer.calls)} calls in ${range}${more}`;
  $('changes-scope').title = `A step counts when both sides hold at least ${answer.min_calls} calls, differ by at least `
    + `${answer.min_effect_pct}% and the rank test (or the test of two proportions, for the error rate) gives p < ${answer.significance}.`
    + (answer.withheld > 0 ? ` ${fmt.integer(answer.withheld)} more passed that alone but are not listed: over ${fmt.integer(answer.functions)} `
      + `functions chance gives some, and the list is held to a false discovery rate of ${answer.false_discovery_rate * 100}%.` : '');
  $('changes-empty').textContent = shownChanges.length ? ''
    : 'No step change in this range: every function kept its latency and its error rate.';
  $('changes').replaceChildren(...shownChanges.map(changeItem));
}

const METRIC_WORDS = { p50: 'p50', p95: 'p95', error_rate: 'errors' };

// One change: how big, which function, when, and the figures on both sides with what came with it.
function changeItem(c, index) {
  const li = document.createElement('li');
  li.dataset.index = String(index);
  li.dataset.key = c.key;
  li.dataset.time = String(c.time);
  li.dataset.metric = c.metric;
  li.classList.toggle('selected', focus !== null && focus.key === c.key && focus.token === c.token && focus.time === c.time);
  const button = document.createElement('button');
  button.type = 'button';
  button.title = 'Show this function around the change, its two sides shaded';
  const part = (className, text) => {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    return span;
  };
  const size = part(`change-size ${c.improvement ? 'better' : 'worse'}`, `${METRIC_WORDS[c.metric] ?? c.metric} ${fmt.change(c.change_pct)}`);
  size.title = c.improvement ? 'An improvement' : 'A regression';
  const { fn, path } = fmt.splitKey(c.key);
  const key = part('change-key', fn);
  key.title = `${c.key}${c.token ? ` (token ${c.token})` : ''}`;
  if (c.group) key.append(part('change-group', ` ${c.group.tag}:${c.group.value}`));
  if (path) key.append(part('change-path', ` ${path}`));
  const when = part('change-when', new Date(c.time * 1000).toLocaleString());
  when.title = fmt.ago(c.time);
  const detail = part('change-detail', '');
  const figure = (value) => (c.metric === 'error_rate' ? fmt.rate(value) : fmt.ms(value));
  const pick = (side) => (c.metric === 'error_rate' ? side.error_rate : c.metric === 'p95' ? side.p95 : side.p50);
  const figures = document.createElement('b');
  figures.textContent = `${figure(pick(c.before))} → ${figure(pick(c.after))}`;
  const words = [` · ${fmt.integer(c.calls_affected)} calls after · p = ${fmt.pValue(c.p_value)}`];
  if (c.release) words.push(` · first ${c.release.tag} after: ${c.release.value}`);
  detail.append(figures, words.join(''));
  if (c.annotation) {
    const gap = c.time - c.annotation.time;
    const deploy = part('deploy', ` · ${fmt.duration(Math.abs(gap))} ${gap >= 0 ? 'after' : 'before'} “${c.annotation.text}”`);
    detail.append(deploy);
  }
  detail.title = detail.textContent;
  button.append(size, key, when, detail);
  li.append(button);
  return li;
}

// The function of a change, from a little before its "before" side to a little after its "after" side.
function showChange(c) {
  if (!c) return;
  const pad = Math.max(c.bucket_seconds, 0.05 * (c.after.to - c.before.from));
  focus = { key: c.key, token: c.token, time: c.time, before: c.before, after: c.after, improvement: c.improvement };
  state.key = c.key;
  state.token = c.token;
  state.from = new Date((c.before.from - pad) * 1000).toISOString();
  state.to = new Date((c.after.to + pad) * 1000).toISOString();
  for (const li of $('changes').children) li.classList.toggle('selected', shownChanges[Number(li.dataset.index)] === c);
  changed({ list: false });
}

const focusFor = () => (focus && focus.key === state.key && focus.token === state.token ? focus : null);

// The markers of the chart's range: every project's (no token) and the selected function's project's.
async function refreshAnnotations(gen) {
  try {
    const answer = await api('/api/annotations', { from: state.from, to: state.to });
    if (gen !== generation) return;
    annotations = answer.annotations.filter((a) => !a.token || state.token === null || a.token === state.token);
  } catch (error) {
    if (gen !== generation) return;
    annotations = []; // a Kodemon on ClickHouse keeps none (501): the chart simply has no markers
  }
  chart.setMarks(annotations, focusFor());
}

// ---- chart, statistics and status -------------------------------------------------------------------------

function showChart(emptyMessage) {
  const calls = !view ? 0 : view.mode === 'raw' ? view.points.length
    : (view.mode === 'groups' ? view.groups.flatMap((g) => g.buckets) : view.points).reduce((n, b) => n + b.count, 0);
  if (!view || calls === 0) {
    chart.clear(emptyMessage ?? (state.key ? 'No calls in this range.' : 'Select a function on the left to see its execution times.'));
    $('chart-mode').textContent = '';
    if (view) $('chart').dataset.mode = view.mode;
    return;
  }
  const now = Date.now();
  chart.show(view, overlay, view.span && isLive() ? [now - view.span * 1000, now] : null);
  $('chart-mode').textContent = chartWords();
}

function chartWords() {
  const d = $('chart').dataset;
  if (view.mode === 'raw') return `${fmt.integer(d.calls)} calls, each drawn`;
  const buckets = `${fmt.integer(d.points)} buckets of ${fmt.duration(view.step)}`;
  if (view.mode === 'groups') return `${fmt.integer(d.calls)} calls in ${buckets}: the mean of each value of ${view.groupBy}`;
  return `${fmt.integer(d.calls)} calls in ${buckets}: min–max band and mean`;
}

// Figures whose change has no good or bad direction, and those where more is worse (everything else: times).
const NEUTRAL = new Set(['count']);

// before: the baseline's statistics; undefined keeps the ones shown, null removes them.
let shownBaseline = null;
function renderStats(stats, before) {
  if (before !== undefined) shownBaseline = before;
  for (const dd of $('stats').querySelectorAll('dd[data-stat]')) {
    const name = dd.dataset.stat;
    dd.textContent = statText(stats, name);
    const was = $('stats').querySelector(`dd[data-base="${name}"]`);
    renderWas(was, stats, shownBaseline, name);
  }
}

function statText(stats, name) {
  if (!stats) return '–';
  if (name === 'count' || name === 'errors') return fmt.integer(stats[name]);
  if (name === 'error_rate') return fmt.rate(stats.error_rate);
  return stats.count ? fmt.ms(stats[name]) : '–';
}

function renderWas(was, stats, before, name) {
  was.hidden = !(stats && before);
  if (was.hidden) {
    was.replaceChildren();
    return;
  }
  const now = name === 'error_rate' ? stats.error_rate : stats.count || name === 'count' || name === 'errors' ? stats[name] : null;
  const then = name === 'error_rate' ? before.error_rate : before.count || name === 'count' || name === 'errors' ? before[name] : null;
  const change = document.createElement('span');
  if (name === 'error_rate') {
    // A rate changes by points: 2% -> 5% is "+3 pts", not "+150%".
    const points = now === null || then === null ? null : (now - then) * 100;
    const shown = points === null ? null : Math.abs(points).toFixed(1);
    const zero = Number(shown) === 0;
    change.textContent = shown === null ? '' : zero ? '±0 pts' : `${points > 0 ? '+' : '−'}${shown} pts`;
    change.className = `change ${zero ? 'neutral' : points > 0 ? 'worse' : 'better'}`;
  } else {
    const pct = now === null || then === null || then === 0 ? null : (100 * (now - then)) / then;
    change.textContent = pct === null ? '' : fmt.change(pct);
    change.className = `change ${fmt.changeClass(pct, NEUTRAL.has(name) ? 'neutral' : 'lower-is-better')}`;
  }
  const label = statText(before, name);
  was.replaceChildren(`was ${label}`, ...(change.textContent ? [' ', change] : []));
  was.title = `${label} in ${AGAINST[baseline()] ?? "the baseline"}`;
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
      `${fmt.integer(c.datagrams_received)} received`,
      `${fmt.integer(c.samples_stored)} stored`,
      `${fmt.integer(c.rejected_total)} rejected`,
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

async function changeToken() {
  await askForToken({ rejected: false, optional: true });
  refreshFunctions();
  refreshStatus();
  load();
}

function start() {
  readHash();
  $('keys').addEventListener('click', (event) => {
    const li = event.target.closest('li');
    if (li) selectKey(li.dataset.key, li.dataset.token);
  });
  $('keys-head').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-sort]');
    if (button) sortBy(button.dataset.sort);
  });
  $('filter').addEventListener('input', renderFunctions);
  $('presets').addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (button) setPreset(button.dataset.range);
  });
  $('custom').addEventListener('submit', applyCustom);
  $('outcome').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-outcome]');
    if (!button) return;
    state.outcome = button.dataset.outcome;
    changed();
  });
  $('group-by').addEventListener('change', (event) => {
    state.groupBy = event.target.value || null;
    changed({ list: false });
    refreshChanges(true);
  });
  $('baseline').addEventListener('change', (event) => {
    state.baseline = event.target.value || null;
    changed();
  });
  $('csv').addEventListener('click', downloadCsv);
  $('token-change').addEventListener('click', changeToken);
  $('token-change').hidden = !storedToken();
  window.addEventListener('hashchange', () => {
    readHash();
    renderControls();
    refreshFunctions();
    load();
    refreshChanges(true);
  });
  $('changes').addEventListener('click', (event) => {
    const li = event.target.closest('li[data-index]');
    if (li) showChange(shownChanges[Number(li.dataset.index)]);
  });
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(load, 300);
  });
  renderControls();
  refreshFunctions();
  refreshStatus();
  load();
  refreshChanges(true);
  setInterval(refreshSlow, SLOW_MS);
}

start();
