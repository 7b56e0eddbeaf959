// SPDX-License-Identifier: MIT
// How the page writes numbers, durations, times and changes: one place, so the list, the chart and the
// statistics say the same thing the same way.

export function ms(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const digits = value < 1 ? 3 : value < 100 ? 2 : 1;
  return `${value.toFixed(digits)} ms`;
}

export const integer = (n) => Number(n).toLocaleString('en-US');

// 1,234 / 12.3k / 1.2M: a count in a narrow column (the exact one goes in the title).
export function compact(n) {
  if (n < 10000) return integer(n);
  if (n < 1e6) return `${Number((n / 1e3).toFixed(n < 1e5 ? 1 : 0))}k`;
  return `${Number((n / 1e6).toFixed(n < 1e7 ? 2 : 1))}M`;
}

// A share of calls (0..1) in %: 0.0590 -> "5.9%", 0.0004 -> "0.04%", null -> "–".
export function rate(share) {
  if (share === null || share === undefined) return '–';
  const pct = share * 100;
  if (pct === 0) return '0%';
  const digits = pct < 0.1 ? 2 : pct < 10 ? 1 : 0;
  return `${pct.toFixed(digits)}%`;
}

// A change in % as the API gives it: 76.51 -> "+77%", -2.6 -> "−2.6%", null (nothing to compare with) -> "–".
export function change(pct) {
  if (pct === null || pct === undefined || Number.isNaN(pct)) return '–';
  const digits = Math.abs(pct) < 10 ? 1 : 0;
  const text = Math.abs(pct).toFixed(digits);
  if (Number(text) === 0) return '0%';
  return `${pct > 0 ? '+' : '−'}${text}%`;
}

// Which way a change goes for the user: for times and failures more is worse (red), less is better (green);
// a change that rounds away, or of a figure without a direction (calls), is neutral.
export function changeClass(pct, direction = 'lower-is-better') {
  if (pct === null || pct === undefined || Number.isNaN(pct) || Math.abs(pct) < 0.5 || direction === 'neutral')
    return 'neutral';
  return pct > 0 ? 'worse' : 'better';
}

// A p-value in words a reader can compare: "0.43", "0.0021", "3.1 × 10⁻⁹", "< 10⁻³⁰⁰".
export function pValue(p) {
  if (p === null || p === undefined || Number.isNaN(p)) return '–';
  if (p === 0) return '< 10⁻³⁰⁰';
  if (p >= 0.001) return String(Number(p.toPrecision(2)));
  const [mantissa, exponent] = p.toExponential(1).split('e');
  const superscript = exponent.replace(/^\+/, '').replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]);
  return `${mantissa} × 10${superscript}`;
}

export function duration(seconds) {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${Number(seconds.toFixed(1))} s`;
  if (seconds < 7200) return `${Number((seconds / 60).toFixed(1))} min`;
  if (seconds < 172800) return `${Number((seconds / 3600).toFixed(1))} h`;
  return `${Number((seconds / 86400).toFixed(1))} d`;
}

export function ago(seconds) {
  const s = Math.max(0, Date.now() / 1000 - seconds);
  if (s < 60) return `${Math.floor(s)}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function localInput(seconds) {
  const d = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// A range in the reader's time zone, as short as it can be: "Tue 14:05–15:05", "Nov 24 14:05 – Dec 1 14:05".
export function span(from, to) {
  const a = new Date(from * 1000);
  const b = new Date(to * 1000);
  const time = { hour: '2-digit', minute: '2-digit', hour12: false };
  const sameDay = a.toDateString() === b.toDateString();
  const day = (d) => d.toLocaleDateString('en-US', { weekday: 'short', month: 'short', day: 'numeric' });
  const clock = (d) => d.toLocaleTimeString('en-US', time);
  return sameDay ? `${day(a)} ${clock(a)}–${clock(b)}` : `${day(a)} ${clock(a)} – ${day(b)} ${clock(b)}`;
}

export function splitKey(key) {
  const dash = key.lastIndexOf('-');
  return dash < 0 ? { fn: key, path: '' } : { fn: key.slice(dash + 1), path: key.slice(0, dash) };
}
