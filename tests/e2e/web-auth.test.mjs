// SPDX-License-Identifier: MIT
// The web page against a Kodemon with API tokens (KODEMON_API_TOKEN): the page loads, asks once for a token,
// asks again when it is wrong, keeps it for the tab, sends it only as a header (never in an address), shows
// a scoped token only its tokens' functions and calls (CSV included), and lets the user switch tokens.
// Usage: node web-auth.test.mjs [path/to/kodemon]; screenshots of the prompt go to KODEMON_E2E_OUTPUT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decoratorDatagram, launchBrowser, sendDatagrams, startKodemon, stopKodemon, waitFor, CHROMIUM } from './support.mjs';

const BINARY = process.argv[2] || process.env.KODEMON_BINARY;
const OUTPUT = process.env.KODEMON_E2E_OUTPUT || path.join(os.tmpdir(), 'kodemon-e2e');

const ADMIN = 'admin-e2e-4f1c9a7d2b8e6f30';
const SHOP = 'shop-e2e-9b2d7e1a5c3f8046';
const CHECKOUT = '/srv/shop/views.py-checkout';
const SHARED = '/srv/common/db.py-query';
const BLOG = '/srv/blog/views.py-post';

let kodemon;
let folder;
let context;
let page;
const problems = [];
const requests = [];
const now = Math.floor(Date.now() / 1000);

async function adminApi(route) {
  const response = await fetch(`${kodemon.base}${route}`, { headers: { Authorization: `Bearer ${ADMIN}` } });
  assert.equal(response.status, 200, `${route}: ${response.status}`);
  return response.json();
}

const dialogOpen = (p = page) => p.$eval('#token-dialog', (dialog) => dialog.open);
const keysShown = (p = page) => p.$$eval('#keys li', (items) => items.map((li) => `${li.dataset.token}|${li.dataset.key}`).sort());

async function enterToken(p, token) {
  await p.waitForFunction(() => document.querySelector('#token-dialog').open);
  await p.fill('#token-input', token);
  await p.click('#token-form button[type="submit"]');
}

function watch(p) {
  p.on('request', (request) => requests.push({ url: request.url(), headers: request.headers() }));
  p.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
}

before(async () => {
  assert.ok(BINARY && fs.existsSync(BINARY), `the kodemon binary is not at "${BINARY}"`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (make deps)`);
  fs.mkdirSync(OUTPUT, { recursive: true });
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kodemon-e2e-auth-'));
  kodemon = await startKodemon(BINARY, folder, { env: { KODEMON_API_TOKEN: `${ADMIN} ${SHOP}:shop` } });
  const datagrams = [];
  for (let i = 0; i < 20; i += 1) datagrams.push(decoratorDatagram(CHECKOUT, 30 + i, now - 300 + i * 10, 'shop'));
  for (let i = 0; i < 7; i += 1) datagrams.push(decoratorDatagram(SHARED, 5, now - 200 + i, 'shop'));
  for (let i = 0; i < 11; i += 1) datagrams.push(decoratorDatagram(SHARED, 500, now - 200 + i, 'blog'));
  for (let i = 0; i < 3; i += 1) datagrams.push(decoratorDatagram(BLOG, 12, now - 100 + i, 'blog'));
  await sendDatagrams(kodemon.udpPort, datagrams);
  await waitFor('the datagrams to be stored', async () => (await adminApi('/api/status')).counters.samples_stored === datagrams.length, 10000);
  context = await launchBrowser(path.join(folder, 'chromium-profile'));
  page = context.pages()[0] ?? (await context.newPage());
  watch(page);
});

after(async () => {
  await context?.close();
  await stopKodemon(kodemon?.process);
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

test('the page loads without a token and asks for one', async () => {
  const response = await page.goto(`${kodemon.base}/`);
  assert.equal(response.status(), 200);
  await page.waitForFunction(() => document.querySelector('#token-dialog').open);
  assert.equal(await page.isVisible('#token-error'), false);
  assert.equal(await page.isVisible('#token-cancel'), false);
  assert.equal(await page.$eval('#token-input', (input) => input.type), 'password');
  assert.deepEqual(await keysShown(), []);
  await page.screenshot({ path: path.join(OUTPUT, 'web-token-prompt.png') });
  // Escape does not dismiss it: without a token there is nothing to show.
  await page.keyboard.press('Escape');
  assert.equal(await dialogOpen(), true);
});

test('a wrong token is refused and the prompt asks again', async () => {
  await enterToken(page, 'not-the-right-token-at-all');
  await page.waitForFunction(() => document.querySelector('#token-dialog').open
    && !document.querySelector('#token-error').hidden);
  assert.equal(await page.$eval('#token-input', (input) => input.value), '');
  await page.screenshot({ path: path.join(OUTPUT, 'web-token-rejected.png') });
});

test('a scoped token shows only its tokens\' functions, and only once', async () => {
  await enterToken(page, `  Bearer ${SHOP} `); // pasted with its scheme and spaces
  await page.waitForFunction(() => !document.querySelector('#token-dialog').open
    && document.querySelectorAll('#keys li').length === 2);
  assert.deepEqual(await keysShown(), [`shop|${CHECKOUT}`, `shop|${SHARED}`].sort());
  await page.waitForFunction(() => document.querySelector('#status').textContent.includes('tokens: shop'));
  assert.equal(await page.isVisible('#token-change'), true);
  // Every API request of the page carried the header; no address ever held the token.
  const api = requests.filter((r) => new URL(r.url).pathname.startsWith('/api/'));
  assert.ok(api.length > 0);
  assert.ok(requests.every((r) => !r.url.includes(SHOP) && !r.url.includes(ADMIN)), 'a token in a URL');
  assert.ok(api.filter((r) => r.headers.authorization === `Bearer ${SHOP}`).length > 0);
  await page.screenshot({ path: path.join(OUTPUT, 'web-token-scoped.png') });
});

test('a shared function shows only the calls of the token\'s scope', async () => {
  await page.goto(`${kodemon.base}/#key=${encodeURIComponent(SHARED)}&from=&to=`); // every token of the key
  await page.waitForFunction(() => document.querySelector('#chart').dataset.points === '7');
  assert.equal(await page.$eval('dd[data-stat="count"]', (dd) => dd.textContent), '7');
  assert.equal(await page.$eval('dd[data-stat="max"]', (dd) => dd.textContent), '5.00 ms');
  assert.equal(await dialogOpen(), false, 'the token was kept across the reload');
});

test('the CSV download carries the token and holds only the scope\'s calls', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  assert.match(download.suggestedFilename(), /^kodemon-.*\.csv$/);
  const file = path.join(folder, 'scoped.csv');
  await download.saveAs(file);
  const lines = fs.readFileSync(file, 'utf8').split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'timestamp,token,key,execution_time_ms,extra');
  assert.equal(lines.length - 1, 7);
  assert.ok(lines.slice(1).every((line) => line.includes(`,shop,${SHARED},5,`)), lines[1]);
  const csv = requests.filter((r) => r.url.includes('format=csv'));
  assert.ok(csv.length > 0 && csv.every((r) => r.headers.authorization === `Bearer ${SHOP}`));
});

test('a function outside the scope looks like one that never sent data', async () => {
  await page.goto(`${kodemon.base}/#key=${encodeURIComponent(BLOG)}&from=&to=`);
  await page.waitForFunction(() => document.querySelector('#chart-message').textContent.includes('No calls'));
  assert.equal(await page.isVisible('#error'), false);
});

test('another tab asks again, and the token can be switched', async () => {
  const second = await context.newPage();
  watch(second);
  await second.goto(`${kodemon.base}/`);
  await enterToken(second, ADMIN);
  await second.waitForFunction(() => document.querySelectorAll('#keys li').length === 4);
  await second.waitForFunction(() => document.querySelector('#status').textContent.includes('stored'));
  // Opened by the user, the prompt can be cancelled and keeps the token in use.
  await second.click('#token-change');
  await second.waitForFunction(() => document.querySelector('#token-dialog').open);
  assert.equal(await second.isVisible('#token-cancel'), true);
  await second.click('#token-cancel');
  assert.equal(await dialogOpen(second), false);
  await second.waitForTimeout(300);
  assert.equal((await keysShown(second)).length, 4);
  // Switched to the scoped token, the list narrows.
  await second.click('#token-change');
  await enterToken(second, SHOP);
  await second.waitForFunction(() => document.querySelectorAll('#keys li').length === 2);
  await second.close();
});

test('the page loads nothing from anywhere else and raises no script error', () => {
  const foreign = requests.filter((r) => !r.url.startsWith(kodemon.base) && !r.url.startsWith('blob:'));
  assert.deepEqual(foreign.map((r) => r.url), []);
  assert.deepEqual(problems, []);
});
