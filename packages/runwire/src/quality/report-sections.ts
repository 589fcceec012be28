import type { Percentiles } from '../protocol/quality-frames.js';
import type { ReportCheck, ServerReport } from './report-schema.js';
import { OUTCOME_KINDS } from './run-outcome.js';

/** One table of the report, in words: what every human format (text, Markdown, HTML) renders. */
export interface ReportSection {
  readonly title: string;
  /** One line under the title. */
  readonly note?: string;
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** A share as a percentage, `—` for none. */
export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** A signed change, `—` for none; `unit` follows the number. */
export function signed(value: number | null, unit = ''): string {
  if (value === null) return '—';
  const rounded = Math.round(value * 10) / 10;
  return `${rounded > 0 ? '+' : ''}${rounded}${unit}`;
}

/** Milliseconds in a short human form. */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
  return `${(ms / 60_000).toFixed(ms % 60_000 === 0 ? 0 : 1)} min`;
}

function percentiles(p: Percentiles | null): string[] {
  return p === null ? ['—', '—', '—'] : [duration(p.p50), duration(p.p95), duration(p.p99)];
}

function changeOf(p: Percentiles | null): string[] {
  return p === null ? ['—', '—', '—'] : [signed(p.p50, ' ms'), signed(p.p95, ' ms'), signed(p.p99, ' ms')];
}

/** The report's title line. */
export function reportTitle(report: ServerReport): string {
  return `Runwire weekly report: ${report.period.from} to ${report.period.to} (${report.period.days} days)`;
}

/** The report as titled tables, in reading order. */
export function reportSections(report: ServerReport): ReportSection[] {
  const sections: ReportSection[] = [];
  if (report.check !== undefined) sections.push(checkSection(report.check));
  const iso = report.isolation;
  sections.push({
    title: 'Factory pattern and user isolation',
    note: `Previous period: ${report.previousPeriod.from} to ${report.previousPeriod.to}`,
    headers: ['counter', 'this period', 'previous', 'change'],
    rows: [
      ['blocked direct constructions', ...counts(iso.blockedConstructions)],
      ['denied cross-user accesses', ...counts(iso.deniedCrossUserAccesses)],
    ],
  });
  const runs = report.runs;
  sections.push({
    title: 'Run outcomes',
    headers: ['outcome', 'this period', 'previous', 'change'],
    rows: [
      ['runs', ...counts(runs.total)],
      ...OUTCOME_KINDS.map((kind) => {
        const current = runs.outcomes.current[kind];
        const previous = runs.outcomes.previous[kind];
        return [kind, `${current}`, `${previous}`, signed(current - previous)];
      }),
      [
        'success rate',
        percent(runs.successRate.current),
        percent(runs.successRate.previous),
        signed(pp(runs.successRate.change), ' pp'),
      ],
      ...Object.entries(runs.failedByCode).map(([code, c]) => [`  failed: ${code}`, ...counts(c)]),
    ],
  });
  sections.push({
    title: 'Outcomes by agent',
    headers: ['agent', 'runs', 'change', ...OUTCOME_KINDS, 'success', 'change'],
    rows: report.agents.map((a) => [
      a.agent,
      `${a.runs.current}`,
      signed(a.runs.change),
      ...OUTCOME_KINDS.map((kind) => `${a.current.outcomes[kind]}`),
      percent(a.successRate.current),
      signed(pp(a.successRate.change), ' pp'),
    ]),
  });
  const latency = report.latency;
  sections.push({
    title: 'Latency percentiles',
    note: 'Upper bounds of fixed histogram buckets: never below the true value, at most one bucket above.',
    headers: ['measure', 'p50', 'p95', 'p99', 'p50 change', 'p95 change', 'p99 change'],
    rows: [
      [
        'time to first event',
        ...percentiles(latency.timeToFirstEventMs.current),
        ...changeOf(latency.timeToFirstEventMs.change),
      ],
      ['run duration', ...percentiles(latency.durationMs.current), ...changeOf(latency.durationMs.change)],
    ],
  });
  sections.push({
    title: 'Per day',
    note: `Runs compared with the same day of the previous period (${report.period.days} days before).`,
    headers: ['day', 'runs', 'previous', 'change', ...OUTCOME_KINDS, 'first event p95', 'duration p95'],
    rows: report.perDay.map((d) => [
      d.day,
      `${d.runs.current}`,
      `${d.runs.previous}`,
      signed(d.runs.change),
      ...OUTCOME_KINDS.map((kind) => `${d.outcomes[kind]}`),
      d.timeToFirstEventMs === null ? '—' : duration(d.timeToFirstEventMs.p95),
      d.durationMs === null ? '—' : duration(d.durationMs.p95),
    ]),
  });
  return sections;
}

/** The SSOT section: the latest score of the path in each period, its findings by rule, and the changes. */
function checkSection(check: ReportCheck): ReportSection {
  const { current, previous, change } = check;
  const value = (n: number | undefined): string => (n === undefined ? '—' : `${n}`);
  const rules = [...new Set([...Object.keys(current?.byRule ?? {}), ...Object.keys(previous?.byRule ?? {})])].sort();
  const when = (c: ReportCheck['current']): string => (c === null ? 'none recorded' : c.recordedAt.slice(0, 10));
  return {
    title: 'SSOT compliance',
    note:
      `runwire check ${check.path}: this period ${when(current)}` +
      (current === null ? '' : ` (${current.concepts} concepts, ${current.violated} with findings)`) +
      `; previous period ${when(previous)}`,
    headers: ['measure', 'this period', 'previous', 'change'],
    rows: [
      ['score', value(current?.score), value(previous?.score), signed(change?.score ?? null)],
      ['findings', value(current?.findings), value(previous?.findings), signed(change?.findings ?? null)],
      ...rules.map((rule) => [
        `  ${rule}`,
        // A rule missing from a recorded score had no findings then.
        value(current === null ? undefined : (current.byRule[rule] ?? 0)),
        value(previous === null ? undefined : (previous.byRule[rule] ?? 0)),
        signed(change?.byRule[rule] ?? null),
      ]),
    ],
  };
}

function counts(c: { current: number; previous: number; change: number }): string[] {
  return [`${c.current}`, `${c.previous}`, signed(c.change)];
}

/** A change of a share in percentage points. */
function pp(change: number | null): number | null {
  return change === null ? null : change * 100;
}
