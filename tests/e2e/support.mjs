// SPDX-License-Identifier: MIT
// What the end-to-end tests share: the real `kodemon --headless` on free ports, datagrams exactly as the Python
// decorator sends them, waiting for a condition, and Debian's headless Chromium.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import path from 'node:path';

// Imported here so that a missing driver says what to do instead of failing to resolve a module.
const { chromium } = await import('playwright-core').catch(() => {
  console.error('playwright-core is missing: run `make deps` (npm ci in tests/e2e)');
  process.exit(1);
});

export const CHROMIUM = process.env.KODEMON_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// A value as Python's json.dumps writes it: non-ASCII as \uXXXX (ensure_ascii), true/false as JSON.
const pyJson = (value) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

// json.dumps of the decorator's dict: ", " and ": " separators, keys in this order; the decorator's keyword
// arguments (`extra`: tags, "error" when the call raised) follow, as its dict merges them in.
export function decoratorDatagram(key, executionTime, timestamp, token, extra = {}) {
  const members = [['key', key], ['execution_time', executionTime], ['timestamp', timestamp], ['token', token], ...Object.entries(extra)];
  return `{${members.map(([name, value]) => `${pyJson(name)}: ${typeof value === 'number' ? String(value) : pyJson(value)}`).join(', ')}}`;
}

export async function sendDatagrams(udpPort, datagrams) {
  const socket = dgram.createSocket('udp4');
  for (let i = 0; i < datagrams.length; i += 1) {
    await new Promise((resolve, reject) => socket.send(datagrams[i], udpPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  socket.close();
}

export async function waitFor(what, predicate, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Starts kodemon with a database in `folder`; resolves to { process, udpPort, base } once it listens.
export function startKodemon(binary, folder, { args = [], env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const db = path.join(folder, 'kodemon.sqlite');
    const child = spawn(binary, ['--headless', '--udp-port', '0', '--http-port', '0', '--db', db, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`kodemon did not start:\n${output}`)), 15000);
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on UDP \S+:(\d+) and HTTP (http:\/\/\S+:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, udpPort: Number(match[1]), base: match[2], output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`kodemon exited with ${code}:\n${output}`)));
  });
}

export async function stopKodemon(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export function launchBrowser(profileFolder) {
  return chromium.launchPersistentContext(profileFolder, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 860 },
    acceptDownloads: true,
  });
}

// The page's API requests as they finish (status or failure, how long they took), the last 40 kept, and those
// still waiting: what explain() prints when a wait runs out.
export function traceApi(page) {
  const started = new Map();
  const finished = [];
  const pathOf = (request) => request.url().replace(/^https?:\/\/[^/]+/, '');
  const done = (request, outcome) => {
    if (!started.has(request)) return;
    finished.push(`${new Date().toISOString().slice(11, 23)} ${outcome} after ${Date.now() - started.get(request)} ms: ${pathOf(request)}`);
    started.delete(request);
    if (finished.length > 40) finished.shift();
  };
  page.on('request', (request) => {
    if (request.url().includes('/api/')) started.set(request, Date.now());
  });
  page.on('requestfinished', async (request) => done(request, (await request.response())?.status() ?? 'no response'));
  page.on('requestfailed', (request) => done(request, `failed (${request.failure()?.errorText})`));
  return {
    finished,
    pending: () => [...started].map(([request, at]) => `waiting ${Date.now() - at} ms: ${pathOf(request)}`),
  };
}

// page.waitForFunction, and when it runs out, what the page showed, its last API requests and what Kodemon
// itself answers (`probe`): a wait that fails on a CI machine says why there, not only that it did.
export async function until(page, predicate, arg, { timeout = 5000, trace = null, probe = null } = {}) {
  try {
    await page.waitForFunction(predicate, arg, { timeout });
  } catch (error) {
    const shown = await page.evaluate(() => {
      const chart = document.querySelector('#chart');
      return {
        chart: { ...chart?.dataset, busy: chart?.getAttribute('aria-busy') },
        live: !document.querySelector('#live')?.hidden,
        error: document.querySelector('#error')?.hidden ? null : document.querySelector('#error')?.textContent,
        url: location.href,
      };
    }).catch((e) => `(the page could not be read: ${e.message})`);
    const lines = [error.message, `the page: ${JSON.stringify(shown)}`];
    if (probe) lines.push(`Kodemon: ${await probe().catch((e) => `(probe failed: ${e.message})`)}`);
    if (trace) lines.push('its last API requests:', ...trace.finished, ...trace.pending());
    error.message = lines.join('\n');
    throw error;
  }
}
