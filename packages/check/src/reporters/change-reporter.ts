import type { CheckResult } from '../check-result.js';
import type { Finding } from '../finding.js';
import { ansiColors } from './ansi-colors.js';
import type { ReportOptions } from './report-options.js';

/**
 * What `--watch` prints after a re-check: the files that changed, the findings that appeared and disappeared
 * (matched by concept and copies), and the score before and after.
 */
export function formatChanges(
  previous: CheckResult,
  current: CheckResult,
  changedFiles: readonly string[],
  options: ReportOptions & { readonly color: boolean },
): string {
  const c = ansiColors(options.color);
  // A finding is its concept and its copies: a duplicate that gains or loses a copy shows as changed.
  const identity = (finding: Finding): string => `${finding.fingerprint}\0${[...finding.copies].sort().join('\0')}`;
  const before = new Set(previous.findings.map(identity));
  const after = new Set(current.findings.map(identity));
  const added = current.findings.filter((finding) => !before.has(identity(finding)));
  const fixed = previous.findings.filter((finding) => !after.has(identity(finding)));
  const where = (file: string, line: number): string => c.cyan(`${options.relative(file)}:${line}`);
  const lines = [
    c.dim(`changed: ${changedFiles.map(options.relative).join(', ') || '(files added or removed)'}`),
    ...added.map(
      (f) => `  ${c.red('+')} ${f.rule} ${where(f.location.file, f.location.line)}  ${f.message}\n      fix: ${f.fix}`,
    ),
    ...fixed.map((f) => `  ${c.green('-')} ${f.rule} ${where(f.location.file, f.location.line)}  ${f.message}`),
  ];
  if (added.length === 0 && fixed.length === 0) lines.push('  no new or fixed findings');
  const delta = current.score.value - previous.score.value;
  const arrow = delta === 0 ? '' : delta > 0 ? c.green(` (+${delta.toFixed(2)})`) : c.red(` (${delta.toFixed(2)})`);
  lines.push(
    `score ${previous.score.value} → ${current.score.value}${arrow}  ${c.dim(`(${current.score.formula}; ${current.parsed} re-parsed, ${Math.round(current.timings.total)} ms)`)}`,
  );
  return `${lines.join('\n')}\n`;
}
