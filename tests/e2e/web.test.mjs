// SPDX-License-Identifier: MIT
// The web page end to end: the real `kodemon --headless` on free ports with a fresh database, datagrams sent
// over UDP exactly as the Python decorator sends them, and the page driven in Debian's headless Chromium.
// Usage: node web.test.mjs [path/to/kodemon]   (or KODEMON_BINARY); screenshots go to KODEMON_E2E_OUTPUT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as support from './support.mjs';
import { launchBrowser, stopKodemon, waitFor, until, traceApi, CHROMIUM } from './support.mjs';

const BINARY = process.argv[2] || process.env.KODEMON_BINARY;
const OUTPUT = process.env.KODEMON_E2E_OUTPUT || path.join(os.tmpdir(), 'kodemon-e2e');

const CHECKOUT = '/srv/shop/views.py-checkout';
const MAIL = '/srv/shop/jobs.py-send_mail';
const ODD = '/srv/my shop/util.py-a+b';
const BUSY = '/srv/shop/api.py-search';
const TOKEN = 'e2e';

let kodemon;
let folder;
let udpPort;
let base;
let context;
let page;
let trace;
const foreignRequests = [];
const now = Math.floor(Date.now() / 1000);

const decoratorDatagram = (key, executionTime, timestamp, token = TOKEN) =>
  support.decoratorDatagram(key, executionTime, timestamp, token);
const send = (datagrams) => support.sendDatagrams(udpPort, datagrams);

async function api(route) {
  const response = await fetch(`${base}${route}`);
  assert.equal(response.status, 200, `${route}: ${response.status}`);
  return response.json();
}

async function startKodemon() {
  const started = await support.startKodemon(BINARY, folder);
  kodemon = started.process;
  udpPort = started.udpPort;
  base = started.base;
}

// How many calls of `key` Kodemon holds, for a wait that ran out: was the call stored, or not drawn?
const storedCalls = (key) => async () => JSON.stringify((await api(`/api/stats?${new URLSearchParams({ key, token: TOKEN })}`)).count);

const chartState = () => page.$eval('#chart', (div) => ({ ...div.dataset }));
const statValue = (name) => page.$eval(`dd[data-stat="${name}"]`, (dd) => dd.textContent);
const localInput = (seconds) => {
  const d = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  // Chromium writes a datetime-local's value without ":00" seconds, and Playwright's fill() refuses a value that
  // does not read back as written ("Malformed value", once in 60 runs: when `to` fell on a whole minute).
  const secs = d.getSeconds() ? `:${pad(d.getSeconds())}` : '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}${secs}`;
};

before(async () => {
  assert.ok(BINARY && fs.existsSync(BINARY), `the kodemon binary is not at "${BINARY}"`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (make deps)`);
  fs.mkdirSync(OUTPUT, { recursive: true });
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kodemon-e2e-'));
  await startKodemon();

  // checkout: one call every 5 s over the last 10 minutes; send_mail: a few; the odd key; and a busy
  // function with more calls than the chart has pixels, which is drawn as buckets.
  const datagrams = [];
  for (let i = 0; i < 120; i += 1) datagrams.push(decoratorDatagram(CHECKOUT, 20 + (i % 10) * 3.5 + (i === 60 ? 180 : 0), now - 600 + i * 5));
  for (let i = 0; i < 5; i += 1) datagrams.push(decoratorDatagram(MAIL, 250 + i, now - 100 + i * 10));
  datagrams.push(decoratorDatagram(ODD, 1.25, now - 30));
  for (let i = 0; i < 6000; i += 1) datagrams.push(decoratorDatagram(BUSY, 5 + 4 * Math.sin(i / 300) + (i % 7), now - 3000 + i * 0.5));
  await send(datagrams);
  await waitFor('the datagrams to be stored', async () => (await api('/api/status')).counters.samples_stored === datagrams.length, 10000);

  context = await launchBrowser(path.join(folder, 'chromium-profile'));
  page = context.pages()[0] ?? (await context.newPage());
  trace = traceApi(page);
  page.on('request', (request) => {
    if (!request.url().startsWith(base)) foreignRequests.push(request.url());
  });
  page.on('pageerror', (error) => foreignRequests.push(`page error: ${error.message}`));
});

after(async () => {
  await context?.close();
  await stopKodemon(kodemon);
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

test('the key list shows every function that sent data', async () => {
  await page.goto(`${base}/`);
  await page.waitForFunction(() => document.querySelectorAll('#keys li').length === 4);
  const keys = await page.$$eval('#keys li', (items) => items.map((li) => li.dataset.key));
  assert.deepEqual([...keys].sort(), [BUSY, CHECKOUT, MAIL, ODD].sort());
  const checkout = await page.$eval(`#keys li[data-key="${CHECKOUT}"]`, (li) => li.textContent);
  assert.match(checkout, /checkout/);
  assert.match(checkout, /120/);
  assert.match(checkout, /ago/);
  await page.fill('#filter', 'shop/jobs');
  await page.waitForFunction(() => document.querySelectorAll('#keys li').length === 1);
  assert.equal(await page.$eval('#keys li', (li) => li.dataset.key), MAIL);
  await page.fill('#filter', '');
});

test('selecting a function draws its calls and their statistics', async () => {
  await page.click(`#keys li[data-key="${CHECKOUT}"]`);
  await page.waitForFunction(() => document.querySelector('#chart').dataset.points === '120');
  const chart = await chartState();
  assert.equal(chart.mode, 'raw');
  assert.ok(await page.$('#chart canvas'), 'no chart canvas was drawn');
  assert.equal(await statValue('count'), '120');
  assert.equal(await statValue('max'), '200.0 ms');
  assert.equal(await page.textContent('#title'), CHECKOUT);
  const hash = decodeURIComponent(new URL(page.url()).hash);
  assert.ok(hash.includes(`key=${CHECKOUT}`) && hash.includes(`token=${TOKEN}`), hash);
  assert.equal(await page.isVisible('#live'), true);
});

test('a key with a space and a plus sign round-trips through the page', async () => {
  await page.click(`#keys li[data-key="${ODD}"]`);
  await page.waitForFunction(() => document.querySelector('#chart').dataset.points === '1');
  assert.equal(await page.textContent('#title'), ODD);
  assert.equal(await statValue('max'), '1.25 ms');
  const csv = await page.getAttribute('#csv', 'href');
  assert.ok(csv.includes('key=%2Fsrv%2Fmy+shop%2Futil.py-a%2Bb'), csv);
});

test('a function with more calls than pixels is drawn as min/mean/max buckets', async () => {
  await page.click('#presets button[data-range="1h"]');
  await page.click(`#keys li[data-key="${BUSY}"]`);
  await page.waitForFunction(() => document.querySelector('#chart').dataset.mode === 'buckets');
  const chart = await chartState();
  assert.ok(Number(chart.points) > 50 && Number(chart.points) <= 10000, JSON.stringify(chart));
  assert.equal(Number(chart.calls), 6000);
  assert.equal(await statValue('count'), '6,000');
  await page.screenshot({ path: path.join(OUTPUT, 'web-buckets.png') });
  // The whole history, live: a new call is added to its bucket once (the last stored call is not repeated).
  // (Sent once the new view is in: the chart of the last hour was buckets too, and live.)
  await page.click('#presets button[data-range="all"]');
  await page.waitForFunction(() => document.querySelector('#chart').getAttribute('aria-busy') === 'false'
    && document.querySelector('#chart').dataset.mode === 'buckets' && !document.querySelector('#live').hidden);
  await send([decoratorDatagram(BUSY, 42, Math.floor(Date.now() / 1000))]);
  await until(page, () => document.querySelector('#chart').dataset.calls === '6001', null, { timeout: 10000, trace, probe: storedCalls(BUSY) });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // two more live updates add nothing
  assert.equal((await chartState()).calls, '6001');
});

test('a custom range narrows the data, and the range is in the URL', async () => {
  await page.click(`#keys li[data-key="${CHECKOUT}"]`);
  await page.waitForFunction(() => document.querySelector('#chart').dataset.mode === 'raw');
  const from = now - 300;
  const to = now - 100;
  await page.fill('#from', localInput(from));
  await page.fill('#to', localInput(to));
  await page.click('#custom button[type="submit"]');
  // Calls every 5 s from now-600: those in [now-300, now-100], both ends included.
  const expected = Array.from({ length: 120 }, (_, i) => now - 600 + i * 5).filter((t) => t >= from && t <= to).length;
  await page.waitForFunction((n) => document.querySelector('#chart').dataset.points === String(n), expected);
  assert.equal(await statValue('count'), String(expected));
  assert.equal(await page.isVisible('#live'), false);
  // The URL alone brings the same view back.
  const shared = page.url();
  assert.match(decodeURIComponent(shared), /from=\d{4}-\d\d-\d\dT/);
  const second = await context.newPage();
  await second.goto(shared);
  await second.waitForFunction((n) => document.querySelector('#chart').dataset.points === String(n), expected);
  await second.close();
});

test('new calls appear in the live chart within 3 seconds', async () => {
  await page.click('#presets button[data-range="15m"]');
  await page.waitForFunction(() => document.querySelector('#chart').getAttribute('aria-busy') === 'false'
    && document.querySelector('#chart').dataset.points === '120');
  assert.equal(await page.isVisible('#live'), true);
  const sentAt = Date.now();
  const t = Math.floor(sentAt / 1000);
  await send([decoratorDatagram(CHECKOUT, 77.7, t), decoratorDatagram(CHECKOUT, 88.8, t), decoratorDatagram(CHECKOUT, 99.9, t)]);
  await until(page, () => document.querySelector('#chart').dataset.points === '123', null, { timeout: 3000, trace, probe: storedCalls(CHECKOUT) });
  assert.ok(Date.now() - sentAt < 3000);
  assert.equal((await chartState()).last, String(t));
  // The statistics follow too (they are asked for again at most every 2 s).
  await page.waitForFunction(() => document.querySelector('dd[data-stat="count"]').textContent === '123', null, { timeout: 6000 });
  // The page asked only for what was new: it did not reload itself.
  assert.equal(await page.$eval(`#keys li[data-key="${CHECKOUT}"]`, (li) => li.getAttribute('aria-selected')), 'true');
  await page.screenshot({ path: path.join(OUTPUT, 'web.png') });
});

test('a function asked for by URL before it sends appears once it does', async () => {
  const fresh = '/srv/shop/late.py-first_call';
  const second = await context.newPage();
  await second.goto(`${base}/#key=${encodeURIComponent(fresh)}&from=now-5m&to=now`);
  await second.waitForFunction(() => document.querySelector('#chart-message').textContent.includes('No calls'));
  await send([decoratorDatagram(fresh, 12.5, Math.floor(Date.now() / 1000))]);
  await until(second, () => document.querySelector('#chart').dataset.points === '1', null, { timeout: 8000, probe: storedCalls(fresh) });
  await second.close();
});

test('the range downloads as CSV', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  assert.match(download.suggestedFilename(), /^kodemon-.*\.csv$/);
  const file = path.join(folder, 'download.csv');
  await download.saveAs(file);
  const lines = fs.readFileSync(file, 'utf8').split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'timestamp,token,key,execution_time_ms,extra');
  assert.equal(lines.length - 1, 123);
  assert.ok(lines.slice(1).every((line) => line.includes(`,${TOKEN},${CHECKOUT},`)), lines[1]);
});

test('the page loads nothing from anywhere else and raises no script error', () => {
  assert.deepEqual(foreignRequests, []);
});
