import type { ServerReport } from './report-schema.js';
import { type ReportSection, reportSections, reportTitle } from './report-sections.js';

/** The report as plain text: one aligned table per section. */
export function renderReportText(report: ServerReport): string {
  const title = reportTitle(report);
  const parts = [title, '='.repeat(title.length), `Generated ${report.generatedAt}`, ''];
  for (const section of reportSections(report)) parts.push(...table(section), '');
  return `${parts.join('\n').trimEnd()}\n`;
}

function table(section: ReportSection): string[] {
  const rows = [section.headers, ...section.rows];
  const widths = section.headers.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    section.title,
    '-'.repeat(section.title.length),
    ...(section.note === undefined ? [] : [section.note]),
    line(section.headers),
    ...(section.rows.length === 0 ? ['(none)'] : section.rows.map(line)),
  ];
}
