import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileCheckConfig } from '../src/check-config.js';
import { Checker } from '../src/checker.js';
import { formatChanges } from '../src/reporters/change-reporter.js';
import type { JsonReport } from '../src/reporters/json-reporter.js';
import { runCheck } from '../src/run-check.js';
import { tempTree } from './temp-tree.js';
import { captureIo } from './test-io.js';

/** A class defined in three modules (one duplicate-definition finding), and one clean concept. */
const ROUTER = 'export class Router {\n  route(path: string): string {\n    return path;\n  }\n}\n';
const THREE_COPIES = {
  'src/a/router.ts': ROUTER,
  'src/b/router.ts': ROUTER,
  'src/c/router.ts': ROUTER,
  'src/clock.ts': 'export interface Clock {\n  now(): number;\n}\n',
};

async function check(dir: string, ...extra: Partial<Parameters<typeof runCheck>[0]>[]) {
  const io = captureIo(dir);
  const code = await runCheck(
    { paths: ['src'], cache: false, baseline: 'baseline.json', ...Object.assign({}, ...extra) },
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

describe('baseline', () => {
  it('keys an accepted finding by its concept and copies: a new copy is new, a removed copy is fixed', async () => {
    const tree = tempTree(THREE_COPIES);
    try {
      const first = await check(tree.dir);
      assert.equal(first.code, 0, first.err);
      assert.match(first.err, /wrote baseline baseline\.json with 1 findings/);
      const written = JSON.parse(readFileSync(join(tree.dir, 'baseline.json'), 'utf8'));
      assert.equal(written.schema, 'runwire-check-baseline/v2');
      assert.deepEqual(written.findings[0].copies, ['src/a/router.ts', 'src/b/router.ts', 'src/c/router.ts']);

      writeFileSync(join(tree.dir, 'src/d-router.ts'), ROUTER);
      const added = await check(tree.dir, { format: 'json' });
      assert.equal(added.code, 1);
      const report = JSON.parse(added.out) as JsonReport;
      assert.deepEqual(
        report.findings.map((finding) => [finding.concept, finding.baselined, finding.copies.length]),
        [['Router', false, 4]],
      );

      rmSync(join(tree.dir, 'src/d-router.ts'));
      rmSync(join(tree.dir, 'src/c/router.ts'));
      const removed = await check(tree.dir, { format: 'json' });
      assert.equal(removed.code, 0, removed.out);
      const after = JSON.parse(removed.out) as JsonReport;
      assert.deepEqual(
        after.findings.map((finding) => [finding.concept, finding.baselined]),
        [['Router', true]],
      );
      assert.deepEqual(after.fixed, [
        { rule: 'duplicate-definition', concept: 'Router', removedCopies: ['src/c/router.ts'] },
      ]);
    } finally {
      tree.remove();
    }
  });

  it('prints only new findings and a count of accepted ones, and lists them with --show-baselined', async () => {
    const tree = tempTree(THREE_COPIES);
    try {
      await check(tree.dir);
      writeFileSync(join(tree.dir, 'src/a/clock.ts'), 'export interface Clock {\n  now(): number;\n}\n');
      const text = await check(tree.dir);
      assert.equal(text.code, 1);
      assert.match(text.out, /^duplicate-definition \(1\)$/m);
      assert.match(text.out, /interface 'Clock' is defined in 2 modules/);
      assert.doesNotMatch(text.out, /'Router'/);
      assert.match(text.out, /^1 accepted finding in baseline baseline\.json \(--show-baselined lists them\)$/m);

      const shown = await check(tree.dir, { showBaselined: true });
      assert.match(shown.out, /^duplicate-definition \(2\)$/m);
      assert.match(shown.out, /baselined {2}class 'Router' is defined in 3 modules/);
      assert.doesNotMatch(shown.out, /accepted finding/);
    } finally {
      tree.remove();
    }
  });

  it('shows a finding that is gone entirely as fixed', async () => {
    const tree = tempTree(THREE_COPIES);
    try {
      await check(tree.dir);
      rmSync(join(tree.dir, 'src/b/router.ts'));
      rmSync(join(tree.dir, 'src/c/router.ts'));
      const text = await check(tree.dir);
      assert.equal(text.code, 0);
      assert.match(
        text.out,
        /^fixed since the baseline \(1\): update it with --update-baseline\n {2}- duplicate-definition 'Router' {2}gone$/m,
      );
    } finally {
      tree.remove();
    }
  });

  it('shows a duplicate that gains a copy as changed in watch mode', async () => {
    const tree = tempTree(THREE_COPIES);
    const checker = new Checker({
      paths: [join(tree.dir, 'src')],
      config: compileCheckConfig({}, tree.dir),
      root: tree.dir,
      workers: 0,
    });
    try {
      const before = await checker.check();
      writeFileSync(join(tree.dir, 'src/d-router.ts'), ROUTER);
      const after = await checker.check();
      const text = formatChanges(before, after, [join(tree.dir, 'src/d-router.ts')], {
        relative: (file) => checker.relative(file),
        root: tree.dir,
        color: false,
      });
      assert.match(text, /^ {2}\+ duplicate-definition src\/.*class 'Router' is defined in 4 modules/m);
      assert.match(text, /^ {2}- duplicate-definition src\/.*class 'Router' is defined in 3 modules/m);
      assert.doesNotMatch(text, /no new or fixed findings/);
    } finally {
      await checker.close();
      tree.remove();
    }
  });

  it('still reads a v1 baseline, which accepts its findings with any copies', async () => {
    const tree = tempTree(THREE_COPIES);
    try {
      await check(tree.dir);
      const file = join(tree.dir, 'baseline.json');
      const v2 = JSON.parse(readFileSync(file, 'utf8'));
      const v1 = {
        schema: 'runwire-check-baseline/v1',
        findings: v2.findings.map((entry: { copies?: unknown; file?: string }) => {
          const { copies: _copies, ...rest } = entry;
          return { ...rest, file: 'src/b/router.ts' };
        }),
      };
      writeFileSync(file, JSON.stringify(v1));
      writeFileSync(join(tree.dir, 'src/d-router.ts'), ROUTER);
      assert.equal((await check(tree.dir)).code, 0);
    } finally {
      tree.remove();
    }
  });
});
