// Runs the checker engine on a fixture tree, with paths relative to the fixture, and summarises the findings.
import { fileURLToPath } from 'node:url';
import { loadCheckConfig } from '../src/check-config.js';
import type { CheckResult } from '../src/check-result.js';
import { Checker } from '../src/checker.js';

/** Absolute path of a fixture tree under test/check/fixtures. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** A finding reduced to what the tests pin: rule, concept, file (relative to the fixture) and line. */
export interface FindingSummary {
  readonly rule: string;
  readonly concept: string;
  readonly file: string;
  readonly line: number;
}

/** Checks `dir` (absolute) on the main thread with an in-memory cache. */
export async function checkTree(dir: string): Promise<{ result: CheckResult; findings: FindingSummary[] }> {
  const checker = new Checker({ paths: [dir], config: loadCheckConfig({ searchFrom: dir }), root: dir, workers: 0 });
  try {
    const result = await checker.check();
    const findings = result.findings.map((finding) => ({
      rule: finding.rule,
      concept: finding.concept,
      file: checker.relative(finding.location.file),
      line: finding.location.line,
    }));
    return { result, findings };
  } finally {
    await checker.close();
  }
}

/** Checks the fixture tree `name`. */
export function checkFixture(name: string): Promise<{ result: CheckResult; findings: FindingSummary[] }> {
  return checkTree(fixturePath(name));
}
