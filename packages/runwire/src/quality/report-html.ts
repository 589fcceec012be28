import { escapeXml, latencyChart, outcomesChart } from './report-charts.js';
import type { ServerReport } from './report-schema.js';
import { reportSections, reportTitle } from './report-sections.js';

const STYLE = `
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:800px;color:#212121;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border-bottom:1px solid #e0e0e0;padding:.25rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}
.note{color:#616161;font-size:.85rem}
figure{margin:1rem 0}`;

/**
 * The report as one self-contained HTML file: inline CSS, two inline SVG charts (outcomes per day, latency
 * percentiles per day), every table; no script, and a Content-Security-Policy that loads nothing from anywhere.
 */
export function renderReportHtml(report: ServerReport): string {
  const title = reportTitle(report);
  const sections = reportSections(report)
    .map((s) => {
      const head = `<tr>${s.headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
      const rows =
        s.rows.length === 0
          ? `<tr><td colspan="${s.headers.length}">(none)</td></tr>`
          : s.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('');
      const note = s.note === undefined ? '' : `<p class="note">${escapeXml(s.note)}</p>`;
      return `<section><h2>${escapeXml(s.title)}</h2>${note}<table>${head}${rows}</table></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="note">Generated ${escapeXml(report.generatedAt)}; previous period ${escapeXml(report.previousPeriod.from)} to ${escapeXml(report.previousPeriod.to)}.</p>
<h2>Outcomes per day</h2>
<figure>${outcomesChart(report)}</figure>
<h2>Latency percentiles per day</h2>
<figure>${latencyChart(report)}</figure>
${sections}
</body>
</html>
`;
}
