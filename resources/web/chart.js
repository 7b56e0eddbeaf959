// SPDX-License-Identifier: MIT
// The chart of the selected function (dygraphs): what the page loaded turned into series, a hover legend and a
// key. Three kinds of view, each with its failed calls and an optional baseline drawn over it:
//   raw      every call a point; failed calls are red points
//   buckets  each bucket's min–max band and mean; the share of failed calls per bucket on a second axis (red)
//   groups   one mean line per value of a tag (top values, "other", "without"); failed share as above
// A baseline is the same figures of an earlier range, shifted onto this one: a dashed line in the same colour.
// Marks are drawn under the lines: annotations (deploys) as amber vertical lines, or shaded spans for periods,
// their text on hover; and a detected change's two sides shaded (before blue, after red or green).
import { duration, integer, ms, rate } from './format.js';
import { groupLabel } from './tagfilter.js';

const ACCENT = '#4ea1ff';
const FAILED = '#f85149';
// Tag values get these in order of calls; red is kept for failed calls.
const PALETTE = ['#4ea1ff', '#f0883e', '#7ee787', '#d2a8ff', '#e3b341', '#56d4dd', '#ff9bce', '#a5d6ff', '#b4e06e', '#bc8cff'];
const OTHER = '#8b96a5';
const ANNOTATION = '#e3b341';
const SIDES = { before: 'rgba(78, 161, 255, 0.10)', worse: 'rgba(248, 81, 73, 0.12)', better: 'rgba(126, 231, 135, 0.12)' };
const MISSING = '#5c6672';

export const groupId = (group) => `${group.kind}:${group.value ?? ''}`;

export function groupColor(group, index) {
  if (group.kind === 'other') return OTHER;
  if (group.kind === 'missing') return MISSING;
  return PALETTE[index % PALETTE.length];
}

const mean = (b) => (b.count ? b.sum / b.count : null);

// Rows of the chart: one per x (epoch ms), a cell per series; `meta` keeps what the legend says about a row.
class Rows {
  constructor(width) {
    this.width = width;
    this.byX = new Map();
    this.list = [];
  }

  // Raw points each get their own row (calls share timestamps); buckets at the same instant share one.
  row(x, shared) {
    if (shared) {
      const key = Math.round(x);
      let row = this.byX.get(key);
      if (!row) {
        row = { x: key, cells: new Array(this.width).fill(null), meta: {} };
        this.byX.set(key, row);
        this.list.push(row);
      }
      return row;
    }
    const row = { x, cells: new Array(this.width).fill(null), meta: {} };
    this.list.push(row);
    return row;
  }

  sorted() {
    return this.list.sort((a, b) => a.x - b.x);
  }
}

// The series of a view: [{label, color, dashed, axis, points, kind}] and the rows that hold them.
function build(view, baseline) {
  const series = [];
  // dygraphs tells series apart by label: a tag value that reads like another series' label gets a number.
  const add = (entry) => {
    let label = entry.label;
    for (let n = 2; series.some((s) => s.label === label); n += 1) label = `${entry.label} (${n})`;
    series.push({ dashed: false, axis: 'y', ...entry, label });
  };
  const groups = view.mode === 'groups' ? view.groups : null;
  if (view.mode === 'raw') {
    add({ label: 'Execution time', color: ACCENT, kind: 'calls' });
    if (view.points.some((p) => p[2])) add({ label: 'Failed calls', color: FAILED, kind: 'failed-points' });
  } else if (groups) {
    groups.forEach((g) => add({ label: groupLabel(g.group), color: g.color, kind: 'group', group: g }));
  } else {
    add({ label: 'Execution time', color: ACCENT, kind: 'band' });
  }
  const buckets = groups ? groups.flatMap((g) => g.buckets) : view.mode === 'buckets' ? view.points : [];
  if (buckets.some((b) => b.errors > 0)) add({ label: 'Failed %', color: FAILED, kind: 'failed-share', axis: 'y2' });
  if (baseline && baseline.groups) {
    for (const g of baseline.groups) {
      const own = groups?.find((c) => groupId(c.group) === groupId(g.group));
      if (own) add({ label: `${groupLabel(g.group)}, ${baseline.label}`, color: own.color, dashed: true, kind: 'baseline', buckets: g.buckets });
    }
  } else if (baseline) {
    add({ label: `${baseline.label}, mean`, color: ACCENT, dashed: true, kind: 'baseline', buckets: baseline.buckets });
  }
  return { series, rows: fill(view, baseline, series) };
}

function fill(view, baseline, series) {
  const rows = new Rows(series.length);
  const bars = view.mode === 'buckets';
  const cell = (value) => (bars ? (value === null ? null : [value, value, value]) : value);
  const index = (kind) => series.findIndex((s) => s.kind === kind);
  const failedShare = index('failed-share');
  if (view.mode === 'raw') {
    const failedPoints = index('failed-points');
    for (const [t, value, failed] of view.points) {
      const row = rows.row(t * 1000, false);
      row.cells[failed && failedPoints >= 0 ? failedPoints : 0] = value;
      row.meta.failed = failed;
    }
  } else {
    const lines = view.mode === 'groups' ? view.groups.map((g, i) => ({ i, buckets: g.buckets })) : [{ i: 0, buckets: view.points }];
    for (const { i, buckets } of lines) {
      for (const b of buckets) {
        const row = rows.row((b.t + view.step / 2) * 1000, true);
        row.cells[i] = bars ? [b.min, mean(b), b.max] : mean(b);
        row.meta.count = (row.meta.count ?? 0) + b.count;
        row.meta.errors = (row.meta.errors ?? 0) + b.errors;
      }
    }
    if (failedShare >= 0) {
      series[failedShare].shares = failedShares(view, lines.flatMap((l) => l.buckets));
      // With bars (buckets) the share is a band from 0, which dygraphs fills; without, a filled line.
      for (const share of series[failedShare].shares) rows.row(share.x, true).cells[failedShare] = bars ? [0, share.pct, share.pct] : share.pct;
    }
  }
  series.forEach((s, i) => {
    if (s.kind !== 'baseline') return;
    s.points = s.buckets.filter((b) => b.count).map((b) => ({
      from: (b.t + baseline.shift) * 1000, to: (b.t + baseline.shift + baseline.step) * 1000, mean: b.mean, count: b.count,
    }));
    for (const p of s.points) rows.row((p.from + p.to) / 2, true).cells[i] = cell(p.mean);
  });
  return rows.sorted();
}

// The share of failed calls in coarser buckets than the chart's (about SHARE_STEPS over the range): a bucket
// of a few pixels holds a handful of calls, and its share jumps between 0 and 50%. Drawn as steps from the
// middle of each coarse bucket's first bucket, so that its row is the one of that bucket.
const SHARE_STEPS = 60;
function failedShares(view, buckets) {
  const total = new Map();
  for (const b of buckets) {
    const index = Math.round((b.t - view.base) / view.step);
    const sum = total.get(index) ?? { count: 0, errors: 0 };
    sum.count += b.count;
    sum.errors += b.errors;
    total.set(index, sum);
  }
  const indexes = [...total.keys()];
  const span = Math.max(...indexes) - Math.min(...indexes) + 1;
  const per = Math.max(1, Math.ceil(span / SHARE_STEPS));
  const coarse = new Map();
  for (const [index, sum] of total) {
    const c = Math.floor(index / per);
    const entry = coarse.get(c) ?? { count: 0, errors: 0, first: index, last: index };
    entry.count += sum.count;
    entry.errors += sum.errors;
    entry.first = Math.min(entry.first, index);
    entry.last = Math.max(entry.last, index);
    coarse.set(c, entry);
  }
  const at = (index) => (view.base + index * view.step + view.step / 2) * 1000;
  const shares = [...coarse.entries()].sort((a, b) => a[0] - b[0]).map(([c, e]) => ({
    x: at(e.first), from: (view.base + c * per * view.step) * 1000, to: (view.base + (c + 1) * per * view.step) * 1000,
    count: e.count, errors: e.errors, pct: (100 * e.errors) / e.count,
  }));
  // The last step is drawn up to its last bucket.
  const last = shares[shares.length - 1];
  const end = coarse.get(Math.floor(Math.max(...indexes) / per)).last;
  if (last && at(end) > last.x) shares.push({ ...last, x: at(end) });
  return shares;
}

export class ChartView {
  // onZoom(fromMs, toMs) when the user drags across the chart; onPickGroup(group) when a group's key is clicked.
  constructor({ div, legend, key, message, marks, onZoom, onPickGroup }) {
    Object.assign(this, { div, legendDiv: legend, keyDiv: key, messageDiv: message, marksDiv: marks, onZoom, onPickGroup });
    this.chart = null;
    this.annotations = [];
    this.focus = null;
    this.shape = '';
    this.meta = [];
    this.series = [];
    keyDivClick(key, (group) => this.onPickGroup(group));
  }

  clear(message) {
    if (this.chart) this.chart.destroy();
    this.chart = null;
    this.shape = '';
    this.legendDiv.textContent = '';
    this.keyDiv.replaceChildren();
    this.messageDiv.textContent = message;
    this.marksDiv.replaceChildren();
    Object.assign(this.div.dataset, { mode: 'none', points: '0', calls: '0', last: '', failed: '0', baseline: '0', groups: '0', series: '', annotations: '0', focus: '' });
  }

  // view: what the page loaded (see the top of this file); baseline: { label, shift, step, buckets | groups } or null.
  show(view, baseline, dateWindow) {
    const { series, rows } = build(view, baseline);
    this.baselineLabel = baseline?.label ?? '';
    this.series = series;
    this.meta = rows.map((r) => r.meta);
    this.describe(view, baseline, series);
    this.messageDiv.textContent = '';
    // The key first: it takes its lines from the chart's height, which dygraphs reads when it draws.
    this.renderKey(series, view);
    const file = rows.map((r) => [new Date(r.x), ...r.cells]);
    const shape = JSON.stringify([view.mode, series.map((s) => [s.label, s.color, s.dashed, s.axis])]);
    const size = `${this.div.clientWidth}x${this.div.clientHeight}`;
    if (this.chart && this.shape === shape) {
      this.chart.updateOptions({ file, dateWindow });
      if (this.size !== size) this.chart.resize();
    } else {
      if (this.chart) this.chart.destroy();
      this.chart = new Dygraph(this.div, file, this.options(view, series, dateWindow));
      this.shape = shape;
    }
    this.size = size;
  }

  // annotations: [{ id, time, end, text }] (epoch seconds); focus: a change, { time, before: {from, to}, after:
  // {from, to}, improvement } or null. Kept for every later view, drawn now if a chart is shown.
  setMarks(annotations, focus) {
    this.annotations = annotations;
    this.focus = focus;
    if (this.chart) this.chart.updateOptions({}); // draws again: the underlay and the flags follow
  }

  // Under the lines, on dygraphs' canvas: the change's sides, then the annotations.
  drawUnder(ctx, area, g) {
    const x = (seconds) => g.toDomXCoord(seconds * 1000);
    const span = (from, to, colour) => {
      const left = Math.max(area.x, x(from));
      const right = Math.min(area.x + area.w, x(to));
      if (right <= left) return;
      ctx.fillStyle = colour;
      ctx.fillRect(left, area.y, right - left, area.h);
    };
    if (this.focus) {
      span(this.focus.before.from, this.focus.before.to, SIDES.before);
      span(this.focus.after.from, this.focus.after.to, this.focus.improvement ? SIDES.better : SIDES.worse);
    }
    for (const a of this.annotations) {
      if (a.end !== null && a.end !== undefined && a.end > a.time) span(a.time, a.end, 'rgba(227, 179, 65, 0.12)');
      const at = x(a.time);
      if (at < area.x || at > area.x + area.w) continue;
      ctx.strokeStyle = ANNOTATION;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(Math.round(at) + 0.5, area.y);
      ctx.lineTo(Math.round(at) + 0.5, area.y + area.h);
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }

  // A flag at the top of each annotation's line, its text on hover (title) and for screen readers and tests.
  placeFlags(g) {
    const area = g.getArea();
    const [from, to] = g.xAxisRange();
    const flags = this.annotations.filter((a) => a.time * 1000 >= from && a.time * 1000 <= to).map((a) => {
      const flag = document.createElement('div');
      flag.className = 'flag';
      flag.dataset.time = String(a.time);
      flag.style.left = `${g.toDomXCoord(a.time * 1000)}px`;
      flag.style.top = `${area.y}px`;
      const when = new Date(a.time * 1000).toLocaleString();
      const until = a.end > a.time ? ` – ${new Date(a.end * 1000).toLocaleString()}` : '';
      flag.title = `${a.text}\n${when}${until}`;
      flag.setAttribute('role', 'img');
      flag.setAttribute('aria-label', `Annotation: ${a.text}, ${when}${until}`);
      flag.textContent = a.text;
      return flag;
    });
    this.marksDiv.replaceChildren(...flags);
    this.div.dataset.annotations = String(flags.length);
    this.div.dataset.focus = this.focus ? String(this.focus.time) : '';
  }

  // What tests and screen readers can read without the canvas.
  describe(view, baseline, series) {
    const d = this.div.dataset;
    const groups = view.mode === 'groups' ? view.groups : null;
    const buckets = groups ? groups.flatMap((g) => g.buckets) : view.mode === 'buckets' ? view.points : [];
    d.mode = view.mode;
    d.points = String(groups ? new Set(buckets.map((b) => b.t)).size : view.points.length);
    d.calls = String(view.mode === 'raw' ? view.points.length : buckets.reduce((n, b) => n + b.count, 0));
    d.failed = String(view.mode === 'raw' ? view.points.filter((p) => p[2]).length : buckets.reduce((n, b) => n + b.errors, 0));
    d.last = view.lastTs && Number(d.calls) ? String(view.mode === 'raw' ? view.points[view.points.length - 1][0] : view.lastTs) : '';
    d.groups = String(groups ? groups.length : 0);
    d.baseline = String(series.filter((s) => s.kind === 'baseline').reduce((n, s) => n + s.buckets.filter((b) => b.count).length, 0));
    d.baselineShift = baseline ? String(baseline.shift) : '';
    d.series = series.map((s) => s.label).join('|');
  }

  options(view, series, dateWindow) {
    const bars = view.mode === 'buckets';
    const perSeries = {};
    for (const s of series) {
      perSeries[s.label] = {
        axis: s.axis,
        strokePattern: s.dashed ? [6, 4] : null,
        strokeWidth: s.kind === 'failed-points' ? 0 : s.kind === 'calls' || s.kind === 'failed-share' ? 1 : s.kind === 'baseline' ? 2 : 1.6,
        drawPoints: s.kind === 'calls' || s.kind === 'failed-points',
        pointSize: s.kind === 'failed-points' ? 3 : 2,
        stepPlot: s.kind === 'failed-share',
        fillGraph: s.kind === 'failed-share' && !bars,
      };
    }
    // The failed share keeps to the lower quarter of the chart, under the execution times.
    const shares = series.find((s) => s.kind === 'failed-share')?.shares ?? [];
    const top = Math.max(1, ...shares.map((share) => share.pct));
    return {
      labels: ['Time', ...series.map((s) => s.label)],
      colors: series.map((s) => s.color),
      series: perSeries,
      customBars: bars,
      fillAlpha: 0.22,
      includeZero: true,
      connectSeparatedPoints: true,
      axisLineColor: '#3a4350',
      gridLineColor: '#232a33',
      axisLabelFontSize: 11,
      labelsDiv: this.legendDiv,
      legend: 'always',
      legendFormatter: (data) => this.legend(data),
      labelsUTC: false,
      dateWindow,
      axes: {
        y: { axisLabelWidth: 64, valueFormatter: (y) => ms(y), axisLabelFormatter: (y) => `${y} ms` },
        y2: {
          axisLabelWidth: 44, valueFormatter: (y) => `${y}%`, axisLabelFormatter: (y) => (y <= top ? `${y}%` : ''),
          drawGrid: false, independentTicks: true, valueRange: [0, top * 4], includeZero: true,
        },
        x: { axisLabelWidth: 70 },
      },
      underlayCallback: (ctx, area, g) => this.drawUnder(ctx, area, g),
      drawCallback: (g) => this.placeFlags(g),
      zoomCallback: (minX, maxX) => {
        if (this.chart && this.chart.isZoomed('x')) this.onZoom(minX, maxX);
      },
    };
  }

  // The row under the pointer, and what the baseline and the failed share say at that instant.
  legend(data) {
    if (data.x === undefined || !this.chart) return '';
    const parts = [new Date(data.x).toLocaleString()];
    const meta = this.meta[data.i] ?? {};
    this.series.forEach((s, i) => {
      const colour = `<span style="color:${s.color}">`;
      if (s.kind === 'baseline' || s.kind === 'failed-share') {
        const at = (s.points ?? s.shares).find((p) => p.from <= data.x && data.x < p.to);
        if (!at) return;
        if (s.kind === 'baseline') parts.push(`${colour}${escapeHtml(s.label)}</span> <b>${ms(at.mean)}</b>`);
        else parts.push(`${colour}failed</span> <b>${integer(at.errors)}</b> of ${integer(at.count)} (${rate(at.errors / at.count)})`);
        return;
      }
      const value = this.chart.getValue(data.i, i + 1);
      if (value === null || value === undefined) return;
      if (s.kind === 'band') {
        parts.push(`min <b>${ms(value[0])}</b> mean <b>${ms(value[1])}</b> max <b>${ms(value[2])}</b> of ${integer(meta.count)}`);
      } else if (s.kind === 'failed-points') {
        parts.push(`${colour}failed</span> <b>${ms(value)}</b>`);
      } else {
        const name = s.kind === 'calls' ? '' : `${colour}${escapeHtml(s.label)}</span> `;
        parts.push(`${name}<b>${ms(value)}</b>`);
      }
    });
    return parts.join(' &nbsp;');
  }

  renderKey(series, view) {
    // Grouped, the baselines are one entry: each is dashed in its value's colour.
    const groupBaselines = view.mode === 'groups' ? series.filter((s) => s.kind === 'baseline') : [];
    const keyed = series.filter((s) => (s.kind !== 'calls' || series.length > 1) && !groupBaselines.includes(s));
    if (groupBaselines.length) {
      keyed.push({ kind: 'baseline', label: `${this.baselineLabel}, dashed in each value's colour`, color: OTHER, dashed: true });
    }
    const entries = keyed.map((s) => {
      const entry = document.createElement(s.kind === 'group' && s.group.group.kind !== 'other' ? 'button' : 'span');
      entry.className = `key-entry ${s.kind}`;
      const swatch = document.createElement('span');
      swatch.className = `swatch${s.dashed ? ' dashed' : ''}${s.kind === 'failed-points' ? ' dot' : ''}`;
      swatch.style.setProperty('--colour', s.color);
      const label = document.createElement('span');
      label.textContent = s.kind === 'failed-share' ? 'failed calls, % (right axis)' : s.label;
      entry.append(swatch, label);
      if (s.kind === 'group') {
        const count = document.createElement('span');
        count.className = 'count';
        count.textContent = integer(s.group.count);
        entry.append(count);
        entry.dataset.group = JSON.stringify(s.group.group);
        if (entry.tagName === 'BUTTON') {
          entry.type = 'button';
          entry.title = s.group.group.kind === 'missing' ? 'Only the calls without this tag' : 'Only the calls with this value';
        }
      }
      return entry;
    });
    if (view.mode !== 'raw' && view.step) {
      const step = document.createElement('span');
      step.className = 'key-step';
      step.textContent = `buckets of ${duration(view.step)}`;
      entries.push(step);
    }
    this.keyDiv.replaceChildren(...entries);
  }
}

function keyDivClick(div, pick) {
  div.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-group]');
    if (button) pick(JSON.parse(button.dataset.group));
  });
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}
