import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CheckError } from './check-error.js';
import type { Finding, RuleFinding } from './finding.js';

/** Marks a baseline file; bumped when its format changes. v1 files (no copies) are still read. */
const BASELINE_SCHEMA = 'runwire-check-baseline/v2';
const BASELINE_SCHEMA_V1 = 'runwire-check-baseline/v1';

/** One accepted finding: its concept (the fingerprint) and the copies accepted with it. */
export interface BaselineEntry {
  readonly fingerprint: string;
  readonly rule: string;
  readonly concept: string;
  /**
   * The files of the copies accepted (report paths, sorted). Absent in v1 baselines, which accept any copies.
   */
  readonly copies?: readonly string[];
}

/** What a baseline lists that the tree no longer has: a whole finding, or some of its copies. */
export interface BaselineFix {
  readonly rule: string;
  readonly concept: string;
  /** The copies gone (report paths); empty when the whole finding is gone. */
  readonly removedCopies: readonly string[];
}

/**
 * The findings accepted when the baseline was written, keyed by concept and the set of its copies: a finding is
 * accepted only when every one of its copies was (a new copy of an accepted duplicate is a new finding), and a
 * copy that is gone shows as fixed.
 */
export class Baseline {
  readonly #entries: ReadonlyMap<string, BaselineEntry>;

  constructor(entries: readonly BaselineEntry[]) {
    this.#entries = new Map(entries.map((entry) => [entry.fingerprint, entry]));
  }

  /** Number of accepted findings. */
  get size(): number {
    return this.#entries.size;
  }

  /** True when the baseline accepts this finding with all its copies (report paths). */
  accepts(fingerprint: string, copies: readonly string[]): boolean {
    const entry = this.#entries.get(fingerprint);
    if (entry === undefined) return false;
    if (entry.copies === undefined) return true;
    const accepted = new Set(entry.copies);
    return copies.every((copy) => accepted.has(copy));
  }

  /** What the baseline accepts that `findings` no longer have: gone findings, and gone copies of the others. */
  fixed(findings: readonly { readonly fingerprint: string; readonly copies: readonly string[] }[]): BaselineFix[] {
    const current = new Map(findings.map((finding) => [finding.fingerprint, new Set(finding.copies)]));
    const fixes: BaselineFix[] = [];
    for (const entry of this.#entries.values()) {
      const copies = current.get(entry.fingerprint);
      if (copies === undefined) fixes.push({ rule: entry.rule, concept: entry.concept, removedCopies: [] });
      else {
        const removed = (entry.copies ?? []).filter((copy) => !copies.has(copy));
        if (removed.length > 0) fixes.push({ rule: entry.rule, concept: entry.concept, removedCopies: removed });
      }
    }
    return fixes.sort((a, b) => (a.rule + a.concept < b.rule + b.concept ? -1 : 1));
  }
}

/**
 * Reads a baseline. Returns undefined when the file does not exist yet (the run then writes it).
 *
 * @throws CheckError with code `bad_baseline` when the file exists but is not a baseline.
 */
export function readBaseline(file: string): Baseline | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as { schema?: unknown; findings?: unknown };
    const v1 = content.schema === BASELINE_SCHEMA_V1;
    if ((!v1 && content.schema !== BASELINE_SCHEMA) || !Array.isArray(content.findings)) {
      throw new Error('unknown format');
    }
    return new Baseline(content.findings.flatMap((entry: unknown) => baselineEntry(entry, v1)));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CheckError(
      'bad_baseline',
      file,
      `Baseline '${file}' is not a runwire check baseline (${reason}); delete it to write a new one`,
      { cause: error },
    );
  }
}

function baselineEntry(entry: unknown, v1: boolean): BaselineEntry[] {
  if (typeof entry !== 'object' || entry === null) return [];
  const { fingerprint, rule, concept, copies } = entry as Record<string, unknown>;
  if (typeof fingerprint !== 'string') return [];
  const base = { fingerprint, rule: String(rule ?? ''), concept: String(concept ?? '') };
  if (v1) return [base];
  if (!Array.isArray(copies) || !copies.every((copy) => typeof copy === 'string')) {
    throw new Error(`entry ${fingerprint} has no list of copies`);
  }
  return [{ ...base, copies }];
}

/** The copies of a finding as the baseline keys them: report paths, sorted, each once. */
export function baselineCopies(finding: Pick<RuleFinding, 'copies'>, relative: (path: string) => string): string[] {
  return [...new Set(finding.copies.map(relative))].sort();
}

/** Writes every finding of a run as the new baseline. `relative` turns absolute paths into report paths. */
export function writeBaseline(file: string, findings: readonly Finding[], relative: (path: string) => string): void {
  const entries: BaselineEntry[] = findings
    .map((finding) => ({
      fingerprint: finding.fingerprint,
      rule: finding.rule,
      concept: finding.concept,
      copies: baselineCopies(finding, relative),
    }))
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
  writeFileSync(file, `${JSON.stringify({ schema: BASELINE_SCHEMA, findings: entries }, null, 2)}\n`);
}
