import type { CheckResult } from '../check-result.js';
import { exitCodeFor } from '../exit-code.js';
import type { Finding } from '../finding.js';
import { RULE_IDS } from '../rule-id.js';
import { ansiColors } from './ansi-colors.js';
import type { ReportOptions } from './report-options.js';

/**
 * `runwire check` (text): findings grouped by rule, each with its place, the other places involved and the fix;
 * then the `new` sites that could not be resolved, parse problems, and the score with how it was computed.
 */
export function formatText(result: CheckResult, options: ReportOptions & { readonly color: boolean }): string {
  const c = ansiColors(options.color);
  const lines: string[] = [];
  // With a baseline, the accepted findings are counted, not listed (unless asked): the report is about what is new.
  const listed =
    options.baselineFile === undefined || options.showBaselined === true
      ? result.findings
      : result.findings.filter((finding) => !finding.baselined);
  for (const rule of RULE_IDS) {
    const findings = listed.filter((finding) => finding.rule === rule);
    if (findings.length === 0) continue;
    lines.push(c.bold(`${rule} (${findings.length})`));
    for (const finding of findings) lines.push(...formatFinding(finding, options, c), '');
  }
  if (result.unresolved.length > 0) {
    lines.push(c.bold(`unresolved new sites (${result.unresolved.length}): the class cannot be named statically`));
    for (const site of result.unresolved) {
      lines.push(`  ${c.cyan(`${options.relative(site.file)}:${site.line}:${site.column}`)}  new ${site.expression}()`);
    }
    lines.push('');
  }
  if (result.parseProblems.length > 0) {
    lines.push(c.bold(`parse problems (${result.parseProblems.length})`));
    for (const problem of result.parseProblems) {
      lines.push(`  ${c.cyan(options.relative(problem.file))}:${problem.message}`);
    }
    lines.push('');
  }
  const fixed = result.fixed ?? [];
  if (fixed.length > 0) {
    lines.push(c.bold(`fixed since the baseline (${fixed.length}): update it with --update-baseline`));
    for (const fix of fixed) {
      const what = fix.removedCopies.length === 0 ? 'gone' : `copy removed: ${fix.removedCopies.join(', ')}`;
      lines.push(`  ${c.green('-')} ${fix.rule} '${fix.concept}'  ${what}`);
    }
    lines.push('');
  }
  const baselined = result.findings.filter((finding) => finding.baselined).length;
  if (baselined > 0 && listed.length < result.findings.length) {
    lines.push(
      c.dim(
        `${plural(baselined, 'accepted finding')} in baseline ${options.baselineFile ?? ''} (--show-baselined lists them)`,
      ),
      '',
    );
  }
  const failing = exitCodeFor(result, options) === 1;
  const scoreText = `${result.score.value}`;
  lines.push(
    `${c.bold('score')} ${failing ? c.red(scoreText) : c.green(scoreText)}  ` +
      c.dim(`(${result.score.formula}; a concept is a top-level class, interface, type, enum or function name)`),
  );
  lines.push(
    `${plural(result.files, 'file')} (${result.parsed} parsed` +
      (result.generated > 0 ? `, ${result.generated} generated left out` : '') +
      `), ${plural(result.findings.length, 'finding')}` +
      (baselined > 0 ? ` (${baselined} in baseline ${options.baselineFile ?? ''})`.replace(' )', ')') : '') +
      (options.minScore === undefined ? '' : `, min score ${options.minScore}`) +
      `, ${Math.round(result.timings.total)} ms`,
  );
  return `${lines.join('\n')}\n`;
}

function formatFinding(finding: Finding, options: ReportOptions, c: ReturnType<typeof ansiColors>): string[] {
  const where = `${options.relative(finding.location.file)}:${finding.location.line}:${finding.location.column}`;
  const tag = finding.baselined
    ? c.dim('baselined')
    : finding.severity === 'error'
      ? c.red('error')
      : c.yellow('warning');
  const lines = [`  ${c.cyan(where)}  ${tag}  ${finding.message}`];
  for (const related of finding.related) {
    lines.push(
      c.dim(
        `      ${options.relative(related.file)}:${related.line}:${related.column}  ${related.message ?? ''}`.trimEnd(),
      ),
    );
  }
  lines.push(`      ${c.green('fix:')} ${finding.fix}`);
  return lines;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
