import { type BaselineFix, baselineCopies } from '../baseline.js';
import type { CheckResult } from '../check-result.js';
import { exitCodeFor } from '../exit-code.js';
import type { Location } from '../finding.js';
import { RULE_IDS, type RuleId, type Severity } from '../rule-id.js';
import type { Score } from '../score.js';
import { TOOL_INFO } from '../tool-info.js';
import type { ReportOptions } from './report-options.js';

/** Identifies the JSON report format; changes only with a breaking change of {@link JsonReport}. */
export const JSON_REPORT_SCHEMA = 'runwire-check/v1';

/** A place in the JSON report: `file` relative to `root`, with `/`. */
export interface JsonLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message?: string;
}

/** One finding in the JSON report. */
export interface JsonFinding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly concept: string;
  readonly concepts: readonly string[];
  readonly message: string;
  readonly fix: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly related: readonly JsonLocation[];
  /** The files of the copies the finding is about, sorted: the baseline accepts the finding with these only. */
  readonly copies: readonly string[];
  readonly fingerprint: string;
  readonly baselined: boolean;
}

/** The document `runwire check --format json` prints. Documented in docs/check.md; stable within its schema. */
export interface JsonReport {
  readonly schema: typeof JSON_REPORT_SCHEMA;
  readonly tool: { readonly name: string; readonly version: string };
  readonly root: string;
  readonly score: Score;
  readonly minScore: number | null;
  readonly exitCode: 0 | 1;
  readonly summary: {
    readonly files: number;
    readonly parsed: number;
    /** Files left out because their header says they are generated. */
    readonly generated: number;
    readonly findings: number;
    readonly new: number;
    readonly baselined: number;
    readonly byRule: Readonly<Record<RuleId, number>>;
  };
  readonly findings: readonly JsonFinding[];
  readonly unresolved: readonly (JsonLocation & { readonly expression: string })[];
  readonly parseProblems: readonly { readonly file: string; readonly message: string }[];
  /** With a baseline: accepted findings that are gone, or copies of them that are (`removedCopies`). */
  readonly fixed: readonly BaselineFix[];
}

/** Builds the JSON report of a check. */
export function toJsonReport(result: CheckResult, options: ReportOptions): JsonReport {
  const at = (location: Location): JsonLocation => ({
    file: options.relative(location.file),
    line: location.line,
    column: location.column,
    ...(location.message === undefined ? {} : { message: location.message }),
  });
  const byRule = Object.fromEntries(RULE_IDS.map((id) => [id, 0])) as Record<RuleId, number>;
  for (const finding of result.findings) byRule[finding.rule]++;
  const baselined = result.findings.filter((finding) => finding.baselined).length;
  return {
    schema: JSON_REPORT_SCHEMA,
    tool: { name: TOOL_INFO.name, version: TOOL_INFO.version },
    root: options.root,
    score: result.score,
    minScore: options.minScore ?? null,
    exitCode: exitCodeFor(result, options),
    summary: {
      files: result.files,
      parsed: result.parsed,
      generated: result.generated,
      findings: result.findings.length,
      new: result.findings.length - baselined,
      baselined,
      byRule,
    },
    findings: result.findings.map((finding) => ({
      rule: finding.rule,
      severity: finding.severity,
      concept: finding.concept,
      concepts: finding.concepts,
      message: finding.message,
      fix: finding.fix,
      ...at(finding.location),
      related: finding.related.map(at),
      copies: baselineCopies(finding, options.relative),
      fingerprint: finding.fingerprint,
      baselined: finding.baselined,
    })),
    unresolved: result.unresolved.map((site) => ({ ...at(site), expression: site.expression })),
    parseProblems: result.parseProblems.map((problem) => ({
      file: options.relative(problem.file),
      message: problem.message,
    })),
    fixed: result.fixed ?? [],
  };
}

/** `runwire check --format json`: the {@link JsonReport}, pretty-printed. */
export function formatJson(result: CheckResult, options: ReportOptions): string {
  return `${JSON.stringify(toJsonReport(result, options), null, 2)}\n`;
}
