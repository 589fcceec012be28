import { assertNever } from '../errors.js';
import { renderReportHtml } from './report-html.js';
import { renderReportMarkdown } from './report-markdown.js';
import type { ServerReport } from './report-schema.js';
import { renderReportText } from './report-text.js';

/** The formats of `runwire report`. */
export const REPORT_OUTPUT_FORMATS = ['text', 'markdown', 'json', 'html'] as const;
export type ReportOutputFormat = (typeof REPORT_OUTPUT_FORMATS)[number];

/** The report in one format. */
export function renderReport(report: ServerReport, format: ReportOutputFormat): string {
  switch (format) {
    case 'text':
      return renderReportText(report);
    case 'markdown':
      return renderReportMarkdown(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'html':
      return renderReportHtml(report);
    default:
      return assertNever(format, 'report format');
  }
}
