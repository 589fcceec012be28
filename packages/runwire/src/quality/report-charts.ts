import type { ServerReport } from './report-schema.js';
import { OUTCOME_KINDS, type OutcomeKind } from './run-outcome.js';

/** Colors of the outcomes (readable on white, and told apart without color by the legend's order). */
const OUTCOME_COLORS: Record<OutcomeKind, string> = {
  completed: '#2e7d32',
  failed: '#c62828',
  cancelled: '#9e9e9e',
  timeout: '#ef6c00',
  dead: '#4a148c',
};

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 56, right: 16, top: 16, bottom: 48 };

/** Escapes text for XML and HTML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function frame(title: string, body: string, legend: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT + 28}" width="${WIDTH}" ` +
    `height="${HEIGHT + 28}" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>` +
    `<rect width="100%" height="100%" fill="#fff"/>${body}${legend}</svg>`
  );
}

function legendOf(items: ReadonlyArray<{ label: string; color: string }>): string {
  let x = PAD.left;
  return items
    .map(({ label, color }) => {
      const item =
        `<rect x="${x}" y="${HEIGHT + 10}" width="12" height="12" fill="${color}"/>` +
        `<text x="${x + 16}" y="${HEIGHT + 20}" font-size="12" font-family="sans-serif">${escapeXml(label)}</text>`;
      x += 24 + label.length * 7;
      return item;
    })
    .join('');
}

function axes(yMax: number, yLabel: (v: number) => string, days: readonly string[], slot: number): string {
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = PAD.top + plotH * (1 - f);
    return (
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" stroke="#e0e0e0"/>` +
      `<text x="${PAD.left - 6}" y="${y + 4}" font-size="11" text-anchor="end" font-family="sans-serif">${escapeXml(yLabel(yMax * f))}</text>`
    );
  });
  const step = Math.max(1, Math.ceil(days.length / 10));
  const labels = days.map((day, i) =>
    i % step === 0
      ? `<text x="${PAD.left + slot * (i + 0.5)}" y="${HEIGHT - PAD.bottom + 16}" font-size="11" text-anchor="middle" font-family="sans-serif">${day.slice(5)}</text>`
      : '',
  );
  return ticks.join('') + labels.join('');
}

/** Stacked bars: each day's runs by outcome. */
export function outcomesChart(report: ServerReport): string {
  const days = report.perDay;
  const slot = (WIDTH - PAD.left - PAD.right) / Math.max(1, days.length);
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const totals = days.map((d) => OUTCOME_KINDS.reduce((sum, k) => sum + d.outcomes[k], 0));
  // A multiple of 4, so the five grid lines fall on whole runs.
  const yMax = Math.max(4, Math.ceil(Math.max(...totals, 0) / 4) * 4);
  const bars = days.map((d, i) => {
    let y = PAD.top + plotH;
    return OUTCOME_KINDS.map((kind) => {
      const n = d.outcomes[kind];
      if (n === 0) return '';
      const h = (n / yMax) * plotH;
      y -= h;
      return (
        `<rect x="${(PAD.left + slot * i + slot * 0.15).toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" ` +
        `height="${h.toFixed(1)}" fill="${OUTCOME_COLORS[kind]}"><title>${d.day} ${kind}: ${n}</title></rect>`
      );
    }).join('');
  });
  const body =
    axes(
      yMax,
      (v) => `${Math.round(v)}`,
      days.map((d) => d.day),
      slot,
    ) + bars.join('');
  return frame(
    'Run outcomes per day',
    body,
    legendOf(OUTCOME_KINDS.map((k) => ({ label: k, color: OUTCOME_COLORS[k] }))),
  );
}

const SERIES = [
  {
    label: 'first event p95',
    color: '#1565c0',
    pick: (d: ServerReport['perDay'][number]) => d.timeToFirstEventMs?.p95,
  },
  { label: 'duration p50', color: '#66bb6a', pick: (d: ServerReport['perDay'][number]) => d.durationMs?.p50 },
  { label: 'duration p95', color: '#ef6c00', pick: (d: ServerReport['perDay'][number]) => d.durationMs?.p95 },
  { label: 'duration p99', color: '#c62828', pick: (d: ServerReport['perDay'][number]) => d.durationMs?.p99 },
] as const;

/** Lines on a log scale: time to first event p95 and run duration p50/p95/p99, per day. */
export function latencyChart(report: ServerReport): string {
  const days = report.perDay;
  const slot = (WIDTH - PAD.left - PAD.right) / Math.max(1, days.length);
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const values = days.flatMap((d) => SERIES.map((s) => s.pick(d) ?? 0));
  const top = Math.log10(Math.max(10, ...values) * 1.2);
  const yOf = (ms: number): number => PAD.top + plotH * (1 - Math.log10(Math.max(1, ms)) / top);
  const lines = SERIES.map((s) => {
    const points = days
      .map((d, i) => {
        const v = s.pick(d);
        return v === undefined ? undefined : { x: PAD.left + slot * (i + 0.5), y: yOf(v), v, day: d.day };
      })
      .filter((p) => p !== undefined);
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const dots = points
      .map(
        (p) =>
          `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="3" fill="${s.color}"><title>${p.day} ${s.label}: ${p.v} ms</title></circle>`,
      )
      .join('');
    return (points.length > 1 ? `<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>` : '') + dots;
  });
  const label = (v: number): string => {
    const ms = 10 ** ((v / Math.max(1, 10 ** top)) * top);
    return ms >= 1000 ? `${(ms / 1000).toPrecision(2)} s` : `${Math.round(ms)} ms`;
  };
  const body =
    axes(
      10 ** top,
      label,
      days.map((d) => d.day),
      slot,
    ) + lines.join('');
  return frame(
    'Latency percentiles per day (log scale)',
    body,
    legendOf(SERIES.map((s) => ({ label: s.label, color: s.color }))),
  );
}
