import type { ServerReport } from './report-schema.js';
import { reportSections, reportTitle } from './report-sections.js';

/** The report as GitHub-flavoured Markdown: one table per section. */
export function renderReportMarkdown(report: ServerReport): string {
  const parts = [`# ${reportTitle(report)}`, '', `Generated ${report.generatedAt}.`, ''];
  for (const section of reportSections(report)) {
    parts.push(`## ${section.title}`, '');
    if (section.note !== undefined) parts.push(`${cell(section.note)}`, '');
    if (section.rows.length === 0) {
      parts.push('(none)', '');
      continue;
    }
    parts.push(row(section.headers), row(section.headers.map((_, i) => (i === 0 ? '---' : '---:'))));
    for (const r of section.rows) parts.push(row(r.map((c) => cell(c.trim()))));
    parts.push('');
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Escapes what would break a table cell or turn into markup. */
function cell(text: string): string {
  return text.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
}
