import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadCheckConfig } from '../src/check-config.js';
import { Checker } from '../src/checker.js';
import { discoverFiles } from '../src/discover-files.js';
import { extractFacts } from '../src/extract-facts.js';
import { FactsWorkerPool } from '../src/facts-worker-pool.js';
import { fixturePath } from './check-fixture.js';
import { copyFixture } from './temp-tree.js';

function checkerFor(dir: string, cacheFile?: string): Checker {
  return new Checker({
    paths: [dir],
    config: loadCheckConfig({ searchFrom: dir }),
    root: dir,
    workers: 0,
    ...(cacheFile === undefined ? {} : { cacheFile }),
  });
}

describe('Checker cache', () => {
  it('re-parses only the edited file on a re-check and reports the edit', async () => {
    const tree = copyFixture('routers-before');
    const checker = checkerFor(tree.dir);
    try {
      const first = await checker.check();
      assert.equal(first.parsed, 4);
      assert.equal(first.findings.length, 2);
      writeFileSync(
        join(tree.dir, 'src/legacy-router.ts'),
        "/** Kept for old callers. */\nexport { Router as LegacyRouter } from './router.js';\n",
      );
      checker.invalidate([join(tree.dir, 'src/legacy-router.ts')]);
      const second = await checker.check();
      assert.equal(second.parsed, 1);
      assert.deepEqual(
        second.findings.map((f) => f.concept),
        ['CompatRouter'],
      );
      const third = await checker.check();
      assert.equal(third.parsed, 0);
    } finally {
      await checker.close();
      tree.remove();
    }
  });

  it('re-checks only the files a watcher reports, and the whole tree when one of them is new', async () => {
    const tree = copyFixture('routers-before');
    const checker = checkerFor(tree.dir);
    try {
      const first = await checker.check();
      assert.equal(first.parsed, 4);
      const legacy = join(tree.dir, 'src/legacy-router.ts');
      writeFileSync(legacy, "/** Kept for old callers. */\nexport { Router as LegacyRouter } from './router.js';\n");
      const edited = await checker.recheck([legacy]);
      assert.equal(edited.parsed, 1);
      assert.equal(edited.files, first.files);
      assert.deepEqual(
        edited.findings.map((f) => f.concept),
        ['CompatRouter'],
      );
      // A file the last check did not have: the folders are walked again, so it is found.
      const late = join(tree.dir, 'src/late.ts');
      writeFileSync(late, "import { Router } from './router.js';\n\nexport class LateRouter extends Router {}\n");
      const added = await checker.recheck([late]);
      assert.equal(added.parsed, 1);
      assert.equal(added.files, first.files + 1);
      assert.deepEqual(
        added.findings.map((f) => f.concept),
        ['CompatRouter', 'LateRouter'],
      );
      // A deleted file: the whole tree again, without it.
      rmSync(late);
      const removed = await checker.recheck([late]);
      assert.equal(removed.files, first.files);
      assert.deepEqual(removed.findings, edited.findings);
    } finally {
      await checker.close();
      tree.remove();
    }
  });

  it('gives the same result on a re-check as a new checker on the edited tree', async () => {
    const tree = copyFixture('factory');
    const checker = checkerFor(tree.dir);
    try {
      await checker.check();
      const file = discoverFiles([tree.dir], loadCheckConfig({ searchFrom: tree.dir }))[0] ?? '';
      writeFileSync(
        file,
        `${readFileSync(file, 'utf8')}\nexport function added(value: number): number {\n  return value * 2;\n}\n`,
      );
      const rechecked = await checker.recheck([file]);
      const fresh = checkerFor(tree.dir);
      const fromScratch = await fresh.check();
      await fresh.close();
      assert.equal(rechecked.parsed, 1);
      assert.deepEqual(rechecked.findings, fromScratch.findings);
      assert.deepEqual(rechecked.unresolved, fromScratch.unresolved);
      assert.deepEqual(rechecked.score, fromScratch.score);
    } finally {
      await checker.close();
      tree.remove();
    }
  });

  it('reuses facts from the cache file in a new checker, parsing nothing for an unchanged tree', async () => {
    const tree = copyFixture('factory');
    const cacheFile = join(tree.dir, '.cache', 'facts.json');
    try {
      const cold = checkerFor(tree.dir, cacheFile);
      const coldResult = await cold.check();
      await cold.close();
      const warm = checkerFor(tree.dir, cacheFile);
      const warmResult = await warm.check();
      await warm.close();
      assert.equal(coldResult.parsed, 16);
      assert.equal(warmResult.parsed, 0);
      assert.deepEqual(warmResult.findings, coldResult.findings);
      assert.deepEqual(warmResult.unresolved, coldResult.unresolved);
    } finally {
      tree.remove();
    }
  });

  it('keeps exact shapes in the cache file, so a warm check finds the same shape duplicates without parsing', async () => {
    const tree = copyFixture('duplicates');
    const cacheFile = join(tree.dir, '.cache', 'facts.json');
    try {
      const cold = checkerFor(tree.dir, cacheFile);
      const coldResult = await cold.check();
      await cold.close();
      const saved = JSON.parse(readFileSync(cacheFile, 'utf8')) as { shapes?: Record<string, string | null> };
      const shapes = Object.values(saved.shapes ?? {});
      assert.ok(shapes.filter((shape) => shape !== null).length >= 2, 'the shared shape is saved for each copy');
      const warm = checkerFor(tree.dir, cacheFile);
      const warmResult = await warm.check();
      await warm.close();
      assert.equal(warmResult.parsed, 0);
      assert.ok(coldResult.findings.some((f) => f.rule === 'duplicate-shape'));
      assert.deepEqual(warmResult.findings, coldResult.findings);
    } finally {
      tree.remove();
    }
  });

  it('trusts unchanged files by size and mtime across processes, and re-parses only edited content', async () => {
    const tree = copyFixture('routers-before');
    const cacheFile = join(tree.dir, '.cache', 'facts.json');
    try {
      const cold = checkerFor(tree.dir, cacheFile);
      await cold.check();
      await cold.close();
      const router = join(tree.dir, 'src/router.ts');
      const legacy = join(tree.dir, 'src/legacy-router.ts');
      const later = new Date(Date.now() + 5000);
      utimesSync(router, later, later); // touched, same content: found in the cache by content hash
      writeFileSync(legacy, "/** Kept for old callers. */\nexport { Router as LegacyRouter } from './router.js';\n");
      const warm = checkerFor(tree.dir, cacheFile);
      const result = await warm.check();
      await warm.close();
      assert.equal(result.parsed, 1);
      assert.deepEqual(
        result.findings.map((f) => f.concept),
        ['CompatRouter'],
      );
      const again = checkerFor(tree.dir, cacheFile);
      assert.equal((await again.check()).parsed, 0);
      await again.close();
    } finally {
      tree.remove();
    }
  });

  it('sees a module that did not exist at the first check once it is added', async () => {
    const tree = copyFixture('routers-after');
    const checker = checkerFor(tree.dir);
    try {
      writeFileSync(join(tree.dir, 'src/uses-late.ts'), "export { LateRouter } from './late.js';\n");
      assert.equal((await checker.check()).findings.length, 0);
      writeFileSync(
        join(tree.dir, 'src/late.ts'),
        "import { Router } from './router.js';\n\nexport class LateRouter extends Router {}\n",
      );
      const result = await checker.check();
      assert.deepEqual(
        result.findings.map((f) => [f.rule, f.concept]),
        [['shim-subclass', 'LateRouter']],
      );
    } finally {
      await checker.close();
      tree.remove();
    }
  });

  it('counts a file with the same content as one parsed before it in the same check as parsed, and reports both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runwire-check-twins-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'runwire.config.json'), '{}');
      const body = 'export function twin(value: number): number {\n  return value * 2;\n}\n';
      writeFileSync(join(dir, 'src', 'a.ts'), body);
      writeFileSync(join(dir, 'src', 'b.ts'), body);
      const checker = checkerFor(dir);
      try {
        const result = await checker.check();
        assert.equal(result.parsed, 2);
        assert.deepEqual(
          result.findings.map((f) => [
            f.rule,
            f.concept,
            [f.location, ...f.related].map((l) => checker.relative(l.file)).sort(),
          ]),
          [['duplicate-definition', 'twin', ['src/a.ts', 'src/b.ts']]],
        );
      } finally {
        await checker.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports the same on a cold check of a large tree whether files are parsed on workers or on the main thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runwire-check-large-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'runwire.config.json'), '{}');
      for (let i = 0; i < 450; i++) {
        const body =
          i % 100 === 1
            ? `import { C0 } from './m0.js';\n\nexport class C${i} extends C0 {}\n`
            : i % 100 === 2 // the same function under five names: one duplicate-shape finding, shapes on workers
              ? `export function total${i}(items: number[], limit: number) {\n  let sum = 0;\n  for (const item of items) {\n    if (item > limit) sum += item * 2;\n    else sum -= Math.min(item, limit);\n  }\n  if (sum < 0) throw new RangeError('negative');\n  return { sum, count: items.length };\n}\n`
              : `export class C${i} {\n  readonly n = ${i};\n}\n`;
        writeFileSync(join(dir, 'src', `m${i}.ts`), body);
      }
      const run = async (workers: number) => {
        const checker = new Checker({ paths: [dir], config: loadCheckConfig({ searchFrom: dir }), root: dir, workers });
        try {
          return await checker.check();
        } finally {
          await checker.close();
        }
      };
      const [onWorkers, onMain] = [await run(2), await run(0)];
      assert.equal(onWorkers.parsed, 450);
      assert.deepEqual(
        onWorkers.findings.map((f) => [f.rule, f.concept]),
        [
          ['duplicate-shape', 'total102'], // m2.ts is kept: the shortest path
          ['shim-subclass', 'C1'],
          ['shim-subclass', 'C101'],
          ['shim-subclass', 'C201'],
          ['shim-subclass', 'C301'],
          ['shim-subclass', 'C401'],
        ],
      );
      assert.deepEqual(onWorkers.findings, onMain.findings);
      assert.deepEqual(onWorkers.score, onMain.score);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('extracts the same facts on worker threads as on the main thread', async () => {
    const dir = fixturePath('factory');
    const files = discoverFiles([dir], loadCheckConfig({ searchFrom: dir }));
    const jobs = files.map((file) => ({ file, source: readFileSync(file, 'utf8') }));
    const pool = new FactsWorkerPool(2);
    try {
      const fromWorkers = await pool.extract(jobs);
      assert.equal(fromWorkers.length, 16);
      assert.deepEqual(
        fromWorkers,
        jobs.map((job) => extractFacts(job.file, job.source)),
      );
    } finally {
      await pool.close();
    }
  });
});
