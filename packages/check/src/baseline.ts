import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CheckError } from './check-error.js';
import type { Finding } from './finding.js';

/** Marks a baseline file; bumped if its format changes. */
const BASELINE_SCHEMA = 'runwire-check-baseline/v1';

/** One accepted finding. Only the fingerprint matters; the rest makes the file reviewable. */
export interface BaselineEntry {
  readonly fingerprint: string;
  readonly rule: string;
  readonly concept: string;
  readonly file: string;
}

/**
 * Reads a baseline: the fingerprints of findings accepted when it was written. Returns undefined when the file does
 * not exist yet (the run then writes it).
 *
 * @throws CheckError with code `bad_baseline` when the file exists but is not a baseline.
 */
export function readBaseline(file: string): Set<string> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as { schema?: unknown; findings?: unknown };
    if (content.schema !== BASELINE_SCHEMA || !Array.isArray(content.findings)) throw new Error('unknown format');
    return new Set(
      content.findings.flatMap((entry: unknown) => {
        const fingerprint = (entry as { fingerprint?: unknown } | null)?.fingerprint;
        return typeof fingerprint === 'string' ? [fingerprint] : [];
      }),
    );
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

/** Writes every finding of a run as the new baseline. `relative` turns absolute paths into report paths. */
export function writeBaseline(file: string, findings: readonly Finding[], relative: (path: string) => string): void {
  const entries: BaselineEntry[] = findings
    .map((finding) => ({
      fingerprint: finding.fingerprint,
      rule: finding.rule,
      concept: finding.concept,
      file: relative(finding.location.file),
    }))
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
  writeFileSync(file, `${JSON.stringify({ schema: BASELINE_SCHEMA, findings: entries }, null, 2)}\n`);
}
