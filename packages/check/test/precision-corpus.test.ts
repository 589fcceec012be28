// Precision on real code: the findings on the corpus (test/precision/corpus.ts) must be exactly those judged in
// test/precision/judged.json, and at least 90% of them judged true. When the checker (or the corpus code) changes
// its findings, this fails: judge the new findings by reading the code and update judged.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { compileCheckConfig } from '../src/check-config.js';
import { Checker } from '../src/checker.js';
import { PRECISION_CORPUS, REPO_ROOT } from './precision/corpus.js';

interface Judged {
  readonly tree: string;
  readonly rule: string;
  readonly concept: string;
  readonly copies: readonly string[];
  readonly judged: boolean;
  readonly reason: string;
}

const JUDGED = JSON.parse(readFileSync(new URL('./precision/judged.json', import.meta.url), 'utf8')) as Judged[];

/** The target the README states. */
const MIN_PRECISION = 0.9;

const key = (finding: { tree: string; rule: string; concept: string; copies: readonly string[] }): string =>
  `${finding.tree} ${finding.rule} ${finding.concept} [${finding.copies.join(', ')}]`;

describe('precision corpus', () => {
  it('gives exactly the judged findings on every tree', async () => {
    const found: string[] = [];
    for (const tree of PRECISION_CORPUS) {
      const dir = resolve(REPO_ROOT, tree.path);
      const checker = new Checker({
        paths: [dir],
        config: compileCheckConfig(tree.config, dir),
        root: dir,
        workers: 0,
      });
      try {
        const result = await checker.check();
        assert.deepEqual(result.parseProblems, [], `${tree.name} must parse cleanly`);
        assert.ok(result.files > 20, `${tree.name}: only ${result.files} files checked`);
        for (const finding of result.findings) {
          const copies = [...new Set(finding.copies.map((copy) => checker.relative(copy)))].sort();
          found.push(key({ tree: tree.name, rule: finding.rule, concept: finding.concept, copies }));
        }
      } finally {
        await checker.close();
      }
    }
    assert.deepEqual(found.sort(), JUDGED.map(key).sort());
  });

  it(`has at least ${MIN_PRECISION * 100}% of its judged findings judged true, each with a reason`, () => {
    assert.ok(JUDGED.every((entry) => entry.reason.length > 10));
    const precision = JUDGED.filter((entry) => entry.judged).length / JUDGED.length;
    assert.ok(precision >= MIN_PRECISION, `precision ${precision}`);
  });
});
