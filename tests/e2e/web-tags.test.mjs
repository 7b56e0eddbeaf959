// SPDX-License-Identifier: MIT
// Tags, failed calls and baselines on the web page, end to end: the real `kodemon --headless`, datagrams with
// the decorator's keyword arguments (tags, "error" when the call raised) sent as the Python decorator sends
// them, this range and the same range one week earlier, and the page driven in Debian's headless Chromium.
// Every figure the page shows is checked against a brute-force computation over what the test sent.
// Usage: node web-tags.test.mjs [path/to/kodemon]; screenshots go to KODEMON_E2E_OUTPUT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decoratorDatagram, launchBrowser, sendDatagrams, startKodemon, stopKodemon, waitFor, until, traceApi, CHROMIUM } from './support.mjs';

const BINARY = process.argv[2] || process.env.KODEMON_BINARY;
const OUTPUT = process.env.KODEMON_E2E_OUTPUT || path.join(os.tmpdir(), 'kodemon-e2e');

const TOKEN = 'e2e';
const CHECKOUT = '/srv/shop/views.py-checkout';
const MAIL = '/srv/shop/jobs.py-send_mail';
const SEARCH = '/srv/shop/api.py-search';
const WEEK = 604800;
// A value that needs escaping everywhere: a space, '+', '&', '%', '?', '=' and a non-ASCII letter.
const ODD = '/search?q=a b&c=1+2 100% é';
const ENDPOINTS = ['/cart', ODD, '/checkout', '/cart'];

const now = Math.floor(Date.now() / 1000);
const calls = []; // every call sent: { key, ms, ts, extra }
let kodemon;
let folder;
let context;
let page;
let trace;
const problems = [];

// checkout: 200 calls over the last 10 minutes with tags, 7% of them failed; the same a week earlier, 20% faster.
// send_mail: unchanged since last week. search: a third faster than last week.
function workload() {
  for (let i = 0; i < 200; i += 1) {
    const ms = 30 + (i % 20) * 2 + (i % 7) * 0.25;
    const extra = { endpoint: ENDPOINTS[i % 4], tier: i % 3 === 0 ? 'gold' : 'silver' };
    if (i % 5 < 2) extra['cache:hit'] = i % 5 === 0;
    calls.push({ key: CHECKOUT, ms, ts: now - 600 + i * 3, extra: i % 100 < 7 ? { ...extra, error: 'ValueError' } : extra });
    calls.push({ key: CHECKOUT, ms: Number((ms * 0.8).toFixed(3)), ts: now - 600 + i * 3 - WEEK, extra });
  }
  for (let i = 0; i < 40; i += 1) {
    calls.push({ key: MAIL, ms: 200 + i, ts: now - 500 + i * 10, extra: {} });
    calls.push({ key: MAIL, ms: 200 + i, ts: now - 500 + i * 10 - WEEK, extra: {} });
  }
  for (let i = 0; i < 60; i += 1) {
    calls.push({ key: SEARCH, ms: 10 + (i % 10), ts: now - 400 + i * 5, extra: { region: 'eu' } });
    calls.push({ key: SEARCH, ms: (10 + (i % 10)) * 1.5, ts: now - 400 + i * 5 - WEEK, extra: { region: 'eu' } });
  }
}

// ---- brute force over what was sent ----------------------------------------------------------------------

const failed = (c) => c.extra.error !== undefined;
const inRange = (c, shift = 0) => c.ts >= now - 600 - shift && c.ts <= now - shift;
const current = (key, filter = () => true) => calls.filter((c) => c.key === key && inRange(c) && filter(c));
const lastWeek = (key, filter = () => true) => calls.filter((c) => c.key === key && inRange(c, WEEK) && filter(c));
function percentile(list, p) {
  const sorted = list.map((c) => c.ms).sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}
const mean = (list) => list.reduce((n, c) => n + c.ms, 0) / list.length;
// The page's words for a change in %, and for milliseconds (format.js).
function change(pct) {
  const text = Math.abs(pct).toFixed(Math.abs(pct) < 10 ? 1 : 0);
  return Number(text) === 0 ? '0%' : `${pct > 0 ? '+' : '−'}${text}%`;
}
const ms = (v) => `${v.toFixed(v < 1 ? 3 : v < 100 ? 2 : 1)} ms`;

// ---- page helpers ------------------------------------------------------------------------------------------

const text = (selector, p = page) => p.$eval(selector, (node) => node.textContent);
const stat = (name, p = page) => text(`dd[data-stat="${name}"]`, p);
const was = (name, p = page) => text(`dd[data-base="${name}"]`, p);
const chart = (p = page) => p.$eval('#chart', (div) => ({ ...div.dataset }));
const chips = (p = page) => p.$$eval('#chips .chip', (nodes) => nodes.map((n) => n.dataset.filter));
const hashParams = (p = page) => new URLSearchParams(new URL(p.url()).hash.slice(1));
const row = (key) => `#keys li[data-key="${key}"]`;
const untilStat = (name, value, p = page) =>
  p.waitForFunction(([n, v]) => document.querySelector(`dd[data-stat="${n}"]`)?.textContent === v, [name, value]);

before(async () => {
  assert.ok(BINARY && fs.existsSync(BINARY), `the kodemon binary is not at "${BINARY}"`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (make deps)`);
  fs.mkdirSync(OUTPUT, { recursive: true });
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kodemon-e2e-tags-'));
  kodemon = await startKodemon(BINARY, folder);
  workload();
  await sendDatagrams(kodemon.udpPort, calls.map((c) => decoratorDatagram(c.key, c.ms, c.ts, TOKEN, c.extra)));
  await waitFor('the datagrams to be stored', async () => {
    const status = await (await fetch(`${kodemon.base}/api/status`)).json();
    return status.counters.samples_stored === calls.length;
  }, 10000);
  context = await launchBrowser(path.join(folder, 'chromium-profile'));
  page = context.pages()[0] ?? (await context.newPage());
  trace = traceApi(page);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(kodemon.base)) problems.push(`foreign request: ${request.url()}`);
  });
});

after(async () => {
  await context?.close();
  await stopKodemon(kodemon?.process);
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

test('the functions list shows the failed share of each function\'s calls in the range', async () => {
  await page.goto(`${kodemon.base}/#from=now-15m&to=now`);
  await page.waitForFunction(() => document.querySelectorAll('#keys li').length === 3);
  const checkout = current(CHECKOUT);
  assert.equal(checkout.filter(failed).length, 14);
  assert.equal(await text(`${row(CHECKOUT)} .errors`), '7.0%');
  assert.equal(await page.getAttribute(`${row(CHECKOUT)} .errors`, 'title'), '14 of 200 calls failed');
  assert.equal(await text(`${row(CHECKOUT)} .count`), '200');
  assert.equal(await text(`${row(MAIL)} .errors`), '0%');
  // Without a baseline there is nothing to compare: no Δ columns.
  assert.equal(await page.isVisible('#keys-head button[data-sort="p95"]'), false);
  assert.equal(await page.$(`${row(CHECKOUT)} .delta`), null);
});

test('a baseline adds Δ p95 and Δ calls to the functions list, which sort by them', async () => {
  await page.selectOption('#baseline', '-1w');
  await page.waitForFunction((key) => document.querySelector(`#keys li[data-key="${key}"] .delta`), CHECKOUT);
  assert.equal(await page.isVisible('#keys-head button[data-sort="p95"]'), true);
  const expected = {};
  for (const key of [CHECKOUT, MAIL, SEARCH]) {
    expected[key] = (100 * (percentile(current(key), 0.95) - percentile(lastWeek(key), 0.95))) / percentile(lastWeek(key), 0.95);
    const [p95, count] = await page.$$eval(`${row(key)} .delta`, (cells) => cells.map((c) => c.textContent));
    assert.equal(p95, change(expected[key]), key);
    assert.equal(count, '0%', key);
  }
  assert.equal(await page.getAttribute(`${row(CHECKOUT)} .delta`, 'class'), 'delta worse');
  assert.equal(await page.getAttribute(`${row(SEARCH)} .delta`, 'class'), 'delta better');
  const order = () => page.$$eval('#keys li', (items) => items.map((li) => li.dataset.key));
  const slowestFirst = [CHECKOUT, MAIL, SEARCH].sort((a, b) => expected[b] - expected[a]);
  await page.click('#keys-head button[data-sort="p95"]');
  assert.deepEqual(await order(), slowestFirst);
  assert.equal(hashParams().get('sort'), '-p95');
  await page.click('#keys-head button[data-sort="p95"]');
  assert.deepEqual(await order(), [...slowestFirst].reverse());
  assert.equal(hashParams().get('sort'), 'p95');
  assert.equal(hashParams().get('baseline'), '-1w');
});

test('the chart overlays last week and every statistic shows its change and the test\'s verdict', async () => {
  await page.click(row(CHECKOUT));
  await page.waitForFunction(() => document.querySelector('#comparison').dataset.verdict
    && Number(document.querySelector('#chart').dataset.baseline) > 0);
  const thisWeek = current(CHECKOUT);
  const then = lastWeek(CHECKOUT);
  // The statistics: each figure, its baseline and the change, as computed from what was sent.
  assert.equal(await stat('count'), '200');
  assert.equal(await stat('errors'), '14');
  assert.equal(await stat('error_rate'), '7.0%');
  assert.equal(await was('errors'), 'was 0');
  assert.equal(await was('error_rate'), 'was 0% +7.0 pts');
  assert.equal(await was('count'), 'was 200 0%');
  for (const [name, value] of [['p50', (l) => percentile(l, 0.5)], ['p95', (l) => percentile(l, 0.95)],
    ['max', (l) => percentile(l, 1)], ['mean', mean]]) {
    assert.equal(await stat(name), ms(value(thisWeek)), name);
    assert.equal(await was(name), `was ${ms(value(then))} ${change((100 * (value(thisWeek) - value(then))) / value(then))}`, name);
    assert.equal(await page.getAttribute(`dd[data-base="${name}"] .change`, 'class'), 'change worse', name);
  }
  // 20% faster a week ago: Mann-Whitney U over 200 and 200 calls finds it.
  assert.equal(await page.getAttribute('#comparison', 'data-verdict'), 'slower');
  assert.ok(Number(await page.getAttribute('#comparison', 'data-p')) < 0.01);
  assert.match(await text('#comparison'), /^Slower.*median \+25% against the same range a week earlier.*p = .*200 and 200 calls/);
  // The chart: every call, the failed ones red, last week's mean shifted by a week and dashed in the same colour.
  const drawn = await chart();
  assert.equal(drawn.mode, 'raw');
  assert.equal(drawn.calls, '200');
  assert.equal(drawn.failed, '14');
  assert.equal(drawn.baselineShift, String(WEEK));
  assert.deepEqual(drawn.series.split('|'), ['Execution time', 'Failed calls', '1 week earlier, mean']);
  assert.equal(await page.$$eval('#chart-key .swatch.dashed', (s) => s.map((n) => n.style.getPropertyValue('--colour'))).then((c) => c.join()), '#4ea1ff');
  // Hovering the middle of the chart reads both the call there and last week's mean at that time.
  const box = await page.$eval('#chart canvas', (canvas) => canvas.getBoundingClientRect().toJSON());
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  const legend = await text('#legend');
  const hovered = /1 week earlier, mean ([\d.]+) ms/.exec(legend);
  assert.ok(hovered, legend);
  const [low, high] = [Math.min(...then.map((c) => c.ms)), Math.max(...then.map((c) => c.ms))];
  assert.ok(Number(hovered[1]) >= low && Number(hovered[1]) <= high, `${hovered[1]} is not within last week's ${low}–${high}`);
  await page.screenshot({ path: path.join(OUTPUT, 'web-baseline.png') });
});

test('a tag value with a space, +, &, % and é is offered, filters everything and goes into the address', async () => {
  await page.click('#tag-input');
  await page.waitForSelector('#tag-suggestions li.value');
  const offered = await page.$$eval('#tag-suggestions li.value', (items) => items.map((li) => li.dataset.filter));
  assert.ok(offered.includes(`endpoint:${ODD}`), offered.join('\n'));
  await page.screenshot({ path: path.join(OUTPUT, 'web-tag-suggestions.png') });
  await page.locator('#tag-suggestions li.value', { hasText: ODD }).first().click();
  const odd = current(CHECKOUT, (c) => c.extra.endpoint === ODD);
  await untilStat('count', String(odd.length));
  assert.deepEqual(await chips(), [`endpoint:${ODD}`]);
  assert.equal(await text('#chips .chip-value'), ODD);
  assert.equal(await stat('errors'), String(odd.filter(failed).length));
  assert.equal(await stat('p95'), ms(percentile(odd, 0.95)));
  await page.waitForFunction((n) => document.querySelector('#chart').dataset.calls === String(n), odd.length);
  await page.waitForFunction((n) => document.querySelector('dd[data-base="count"]').textContent.startsWith(`was ${n} `), lastWeek(CHECKOUT, (c) => c.extra.endpoint === ODD).length);
  // The functions list counts only the calls the filter keeps.
  await page.waitForFunction(([key, n]) => document.querySelector(`#keys li[data-key="${key}"] .count`)?.textContent === String(n), [CHECKOUT, odd.length]);
  assert.equal(await text(`${row(MAIL)} .count`), '0');
  // The address and the CSV link carry it as forms encode it ("+" a space, %2B a plus sign).
  assert.deepEqual(hashParams().getAll('tag'), [`endpoint:${ODD}`]);
  assert.ok(new URL(page.url()).hash.includes('tag=endpoint%3A%2Fsearch%3Fq%3Da+b%26c%3D1%2B2+100%25+%C3%A9'), page.url());
  const csv = new URL(await page.getAttribute('#csv', 'href'), kodemon.base);
  assert.deepEqual(csv.searchParams.getAll('tag'), [`endpoint:${ODD}`]);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  const file = path.join(folder, 'filtered.csv');
  await download.saveAs(file);
  const lines = fs.readFileSync(file, 'utf8').split('\r\n').filter(Boolean).slice(1);
  assert.equal(lines.length, odd.length);
  assert.ok(lines.every((line) => line.includes(`""endpoint"":""${ODD}""`)), lines[0]);
});

test('a typed filter takes the API\'s syntax, an escaped name included, and says what is wrong with a bad one', async () => {
  await page.fill('#tag-input', 'cache\\:hit:true');
  await page.press('#tag-input', 'Enter');
  const hits = current(CHECKOUT, (c) => c.extra.endpoint === ODD && c.extra['cache:hit'] === true);
  await untilStat('count', String(hits.length));
  assert.ok(hits.length > 0);
  assert.deepEqual(await chips(), [`endpoint:${ODD}`, 'cache\\:hit:true']);
  assert.equal(await text('#chips .chip:last-child .chip-text'), 'cache:hit = true');
  await page.fill('#tag-input', 'a\\b');
  await page.press('#tag-input', 'Enter');
  assert.equal(await page.isVisible('#tag-error'), true);
  assert.match(await text('#tag-error'), /backslash escapes/);
  assert.equal((await chips()).length, 2);
  await page.fill('#tag-input', '');
  // Failed calls only, then the successful ones.
  await page.click('#outcome button[data-outcome="failed"]');
  const failing = hits.filter(failed);
  assert.ok(failing.length > 0);
  await untilStat('count', String(failing.length));
  assert.equal(await stat('error_rate'), '100%');
  assert.equal(hashParams().get('outcome'), 'failed');
  await page.click('#outcome button[data-outcome="succeeded"]');
  await untilStat('count', String(hits.filter((c) => !failed(c)).length));
});

test('the address brings the whole view back in another tab', async () => {
  const shared = page.url();
  const params = new URLSearchParams(new URL(shared).hash.slice(1));
  assert.deepEqual(params.getAll('tag'), [`endpoint:${ODD}`, 'cache\\:hit:true']);
  assert.equal(params.get('key'), CHECKOUT);
  const second = await context.newPage();
  second.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await second.goto(shared);
  const expected = current(CHECKOUT, (c) => c.extra.endpoint === ODD && c.extra['cache:hit'] === true && !failed(c));
  await untilStat('count', String(expected.length), second);
  assert.deepEqual(await chips(second), [`endpoint:${ODD}`, 'cache\\:hit:true']);
  assert.equal(await second.getAttribute('#outcome button[data-outcome="succeeded"]', 'aria-pressed'), 'true');
  assert.equal(await second.$eval('#baseline', (select) => select.value), '-1w');
  await second.waitForFunction(() => document.querySelector('#comparison').dataset.verdict);
  assert.equal(second.url(), shared);
  await second.close();
  // Removing the filters brings every call back.
  await page.click('#outcome button[data-outcome="all"]');
  for (const filter of await chips()) await page.getByRole('button', { name: `Remove the filter ${filter}`, exact: true }).click();
  await untilStat('count', '200');
  assert.deepEqual(hashParams().getAll('tag'), []);
});

test('grouping by a tag draws a line per value, and clicking a value filters by it', async () => {
  await page.waitForFunction(() => [...document.querySelectorAll('#group-by option')].some((o) => o.value === 'endpoint'));
  await page.selectOption('#group-by', 'endpoint');
  await page.waitForFunction(() => document.querySelector('#chart').dataset.groups === '3');
  const entries = await page.$$eval('#chart-key button.key-entry', (buttons) => buttons.map((b) => b.textContent));
  const count = (value) => current(CHECKOUT, (c) => c.extra.endpoint === value).length;
  // Most calls first, ties by value: each entry is the value and its calls.
  const values = ['/cart', ODD, '/checkout'].sort((a, b) => count(b) - count(a) || (a < b ? -1 : 1));
  assert.deepEqual(entries, values.map((v) => `${v}${count(v)}`));
  assert.equal((await chart()).calls, '200');
  assert.equal(hashParams().get('group_by'), 'endpoint');
  await page.screenshot({ path: path.join(OUTPUT, 'web-groups.png') });
  await page.locator('#chart-key button.key-entry', { hasText: ODD }).click();
  await untilStat('count', String(count(ODD)));
  assert.deepEqual(await chips(), [`endpoint:${ODD}`]);
});

test('new calls join their line live, failed ones counted, and a new value gets a line of its own', async () => {
  for (const filter of await chips()) await page.getByRole('button', { name: `Remove the filter ${filter}`, exact: true }).click();
  await page.waitForFunction(() => document.querySelector('#chart').getAttribute('aria-busy') === 'false'
    && document.querySelector('#chart').dataset.calls === '200'
    && document.querySelector('#chart').dataset.groups === '3' && !document.querySelector('#live').hidden);
  const t = Math.floor(Date.now() / 1000);
  await sendDatagrams(kodemon.udpPort, [
    decoratorDatagram(CHECKOUT, 41.5, t, TOKEN, { endpoint: ODD, error: 'TimeoutError' }),
    decoratorDatagram(CHECKOUT, 12.25, t, TOKEN, { endpoint: '/cart' }),
  ]);
  const stored = async () => JSON.stringify(await (await fetch(`${kodemon.base}/api/executions?${new URLSearchParams({ key: CHECKOUT, from: String(t) })}`)).json());
  await until(page, () => document.querySelector('#chart').dataset.calls === '202', null, { timeout: 30000, trace, probe: stored });
  assert.equal((await chart()).failed, '15');
  assert.equal((await chart()).groups, '3');
  // A value no line was drawn for: the page reads the groups again.
  await sendDatagrams(kodemon.udpPort, [decoratorDatagram(CHECKOUT, 5, Math.floor(Date.now() / 1000), TOKEN, { endpoint: '/new' })]);
  await until(page, () => document.querySelector('#chart').dataset.groups === '4', null, { timeout: 30000, trace, probe: stored });
  assert.equal((await chart()).calls, '203');
  assert.match(await text('#chart-key'), /\/new1/);
});

test('the suggestions follow the keyboard', async () => {
  await page.selectOption('#group-by', '');
  await page.fill('#tag-input', 'tier:');
  await page.press('#tag-input', 'ArrowDown');
  assert.equal(await page.$eval('#tag-suggestions li[aria-selected="true"]', (li) => li.dataset.filter), 'tier:silver');
  await page.press('#tag-input', 'ArrowDown');
  await page.press('#tag-input', 'Enter');
  await untilStat('count', String(current(CHECKOUT, (c) => c.extra.tier === 'gold').length));
  assert.deepEqual(await chips(), ['tier:gold']);
  // Backspace in the empty field takes the last filter away.
  await page.press('#tag-input', 'Backspace');
  await page.waitForFunction(() => document.querySelectorAll('#chips .chip').length === 0);
  await page.press('#tag-input', 'Escape');
  assert.equal(await page.isVisible('#tag-suggestions'), false);
});

test('the page reads and writes every filter exactly as Kodemon does', async () => {
  // Each filter through the page's parser (tagfilter.js, loaded as the page loads it) and through the API's
  // (which echoes what it read, or answers 400): the same text out, or both refuse it.
  const filters = ['endpoint:/cart', 'endpoint!:/cart', 'endpoint', '!endpoint', 'k:v:w', 'k:', 'k!:', `endpoint:${ODD}`,
    'a\\:b:1', 'a\\!b!:x', 'x!y:z', '!!a', 'a!', 'a\\\\:b', 'ü:é', ' spaced : value ', ':x', '!a:b', 'a\\b', 'a\\', '', '!'];
  const probe = await context.newPage();
  await probe.goto(`${kodemon.base}/`);
  const ours = await probe.evaluate(async (texts) => {
    const { normalizeFilter } = await import('/assets/tagfilter.js');
    return texts.map((text) => {
      try {
        return normalizeFilter(text);
      } catch (error) {
        return null;
      }
    });
  }, filters);
  await probe.close();
  for (const [i, filter] of filters.entries()) {
    const response = await fetch(`${kodemon.base}/api/stats?${new URLSearchParams({ key: CHECKOUT, tag: filter })}`);
    const body = await response.json();
    assert.equal(ours[i], response.status === 200 ? body.tags[0] : null, `${JSON.stringify(filter)}: ${JSON.stringify(body)}`);
  }
});

test('the page loads nothing from anywhere else and raises no script error', () => {
  assert.deepEqual(problems, []);
});
