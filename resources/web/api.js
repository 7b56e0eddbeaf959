// SPDX-License-Identifier: MIT
// Talking to Kodemon's HTTP API: query strings as forms write them, JSON answers and errors, and the API token
// a Kodemon with tokens asks for (kept in this tab only, sent as a header, never in an address).

const $ = (id) => document.getElementById(id);

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

// URLSearchParams, as every form does: a space is "+", a plus sign %2B, and the API reads them back so. An array
// is a repeated parameter (tag=a&tag=b); null and undefined are left out.
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== null && v !== undefined) search.append(name, String(v));
    }
  }
  return search.toString();
}

export const url = (path, params = {}) => {
  const q = query(params);
  return q ? `${path}?${q}` : path;
};

export async function api(path, params = {}) {
  const response = await authorizedFetch(url(path, params), 20000);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(body.detail || body.error || response.statusText, response.status);
  return body;
}

// ---- API token -----------------------------------------------------------------------------------------
// A Kodemon with API tokens answers /api/ with 401 until it gets one. The page asks once, keeps the token in
// this tab's sessionStorage and sends it as a header, so it never lands in the address, history or logs.

const TOKEN_KEY = 'kodemon.apiToken';
let tokenPrompt = null; // the open prompt, which every request answered 401 waits for

export function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch (error) {
    return null;
  }
}

export const askingForToken = () => tokenPrompt !== null;

// fetch with the token; on 401 it asks for one (once for every request waiting) and tries again.
export async function authorizedFetch(target, timeoutMs) {
  for (;;) {
    const sent = storedToken();
    const headers = sent ? { Authorization: `Bearer ${sent}` } : {};
    const response = await fetch(target, { cache: 'no-store', headers, signal: AbortSignal.timeout(timeoutMs) });
    if (response.status !== 401) return response;
    // Another request's prompt may have brought a new token meanwhile: that one is tried first.
    if (storedToken() === sent) await askForToken({ rejected: sent !== null, optional: false });
  }
}

export function askForToken({ rejected, optional }) {
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
