import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFixture } from './check-fixture.js';

describe('factory-bypass', () => {
  it('follows new through an import, an alias and two renaming re-exports to the factory-only class', async () => {
    const { result, findings } = await checkFixture('factory');
    assert.deepEqual(
      findings.filter((f) => f.file === 'src/app/bypass.ts'),
      [{ rule: 'factory-bypass', concept: 'Tracker', file: 'src/app/bypass.ts', line: 4 }],
    );
    const bypass = result.findings.find((f) => f.location.file.endsWith('src/app/bypass.ts'));
    assert.match(
      bypass?.message ?? '',
      /import 'LegacyTracker' \(src\/app\/bypass\.ts:1\) → alias 'LegacyTracker' \(src\/app\/alias\.ts:3\) → import 'RunTracker' \(src\/app\/alias\.ts:1\) → reexport 'RunTracker' \(src\/index\.ts:1\) → reexport 'Tracker' \(src\/core\/index\.ts:2\)/,
    );
  });

  it('reports exactly the bypasses through default, namespace and star-barrel imports and of a private constructor', async () => {
    const { findings } = await checkFixture('factory');
    assert.deepEqual(findings, [
      { rule: 'factory-bypass', concept: 'Tracker', file: 'src/app/bypass.ts', line: 4 },
      { rule: 'factory-bypass', concept: 'Tracker', file: 'src/app/default-import.ts', line: 3 },
      { rule: 'factory-bypass', concept: 'Tracker', file: 'src/app/namespace.ts', line: 3 },
      { rule: 'factory-bypass', concept: 'Tracker', file: 'src/app/star-barrel.ts', line: 3 },
      { rule: 'factory-bypass', concept: 'Store', file: 'src/app/store-bypass.js', line: 3 },
    ]);
  });

  it('allows new in the declaring module and in the factory module named by @factoryOnly', async () => {
    const { findings } = await checkFixture('factory');
    assert.equal(findings.filter((f) => f.file.startsWith('src/core/')).length, 0);
    assert.equal(findings.filter((f) => f.file === 'src/app/fine.ts').length, 0);
  });

  it('lists new (cond ? A : B)() as unresolved instead of guessing a class', async () => {
    const { result, findings } = await checkFixture('factory');
    assert.equal(findings.filter((f) => f.file === 'src/app/unresolved.ts').length, 0);
    assert.deepEqual(
      result.unresolved.map((site) => ({ line: site.line, expression: site.expression })),
      [{ line: 4, expression: 'useTracker ? Tracker : Widget' }],
    );
  });

  it('follows export * as ns and export { default as X }, and ends a re-export cycle without a finding', async () => {
    const { findings } = await checkFixture('reexport-forms');
    assert.deepEqual(findings, [
      { rule: 'factory-bypass', concept: 'Widget', file: 'src/use-default-reexport.ts', line: 3 },
      { rule: 'factory-bypass', concept: 'Gadget', file: 'src/use-namespace-reexport.ts', line: 3 },
    ]);
  });

  it('resolves tsconfig paths and package exports self-references in JavaScript', async () => {
    const { findings } = await checkFixture('paths');
    assert.deepEqual(findings, [
      { rule: 'factory-bypass', concept: 'Shape', file: 'src/app/via-exports.js', line: 3 },
      { rule: 'factory-bypass', concept: 'Shape', file: 'src/app/via-paths.js', line: 3 },
    ]);
  });
});

describe('shim-subclass', () => {
  it('reports empty and pass-through-constructor subclasses, also through a namespace import', async () => {
    const { result, findings } = await checkFixture('routers-before');
    assert.deepEqual(findings, [
      { rule: 'shim-subclass', concept: 'CompatRouter', file: 'src/compat-router.ts', line: 3 },
      { rule: 'shim-subclass', concept: 'LegacyRouter', file: 'src/legacy-router.ts', line: 4 },
    ]);
    assert.equal(
      result.findings[1]?.fix,
      "replace the class with `export { Router as LegacyRouter } from './router.js'`",
    );
  });

  it('accepts the re-export and const/type aliases that replace the shims', async () => {
    const { findings } = await checkFixture('routers-after');
    assert.deepEqual(findings, []);
  });
});

describe('duplicate-definition and duplicate-shape', () => {
  it('reports a concept defined in two modules once, on the second copy', async () => {
    const { result, findings } = await checkFixture('duplicates');
    assert.deepEqual(
      findings.filter((f) => f.rule === 'duplicate-definition'),
      [{ rule: 'duplicate-definition', concept: 'RetryOptions', file: 'src/b/retry.ts', line: 1 }],
    );
    const related = result.findings.find((f) => f.rule === 'duplicate-definition')?.related ?? [];
    assert.deepEqual(
      related.map((r) => r.line),
      [1],
    );
  });

  it('reports a renamed copy of a function body and of a class', async () => {
    const { result, findings } = await checkFixture('duplicates');
    assert.deepEqual(
      findings.filter((f) => f.rule === 'duplicate-shape'),
      [
        // src/b/memo.ts is kept (the shorter path), so the finding sits on the other copy
        { rule: 'duplicate-shape', concept: 'LruCache', file: 'src/a/cache.ts', line: 3 },
        { rule: 'duplicate-shape', concept: 'withRetries', file: 'src/b/retry.ts', line: 6 },
      ],
    );
    assert.deepEqual(
      result.findings.filter((f) => f.rule === 'duplicate-shape').map((f) => f.concepts),
      [
        ['LruCache', 'MemoCache'],
        ['retry', 'withRetries'],
      ],
    );
  });

  it('does not count re-exports, renamed re-exports or const and type aliases as copies', async () => {
    const { findings } = await checkFixture('duplicates');
    assert.equal(findings.filter((f) => f.file === 'src/c/index.ts').length, 0);
    assert.equal(findings.length, 3);
  });

  it('leaves tests, fixtures, generated and vendored files out by default', async () => {
    const { result, findings } = await checkFixture('duplicates');
    assert.equal(result.files, 5);
    assert.equal(findings.filter((f) => f.concept === 'retry' && f.rule === 'duplicate-definition').length, 0);
  });
});

describe('non-canonical-import', () => {
  it('reports imports through a deprecated re-export, a deprecated alias, and around the configured canonical module, not of a deprecated declaration itself', async () => {
    const { result, findings } = await checkFixture('canonical');
    assert.deepEqual(findings, [
      { rule: 'non-canonical-import', concept: 'now', file: 'src/user-a.ts', line: 1 },
      { rule: 'non-canonical-import', concept: 'now', file: 'src/user-b.ts', line: 1 },
      { rule: 'non-canonical-import', concept: 'Clock', file: 'src/user-c.ts', line: 1 },
    ]);
    assert.deepEqual(
      result.findings.map((f) => f.fix),
      [
        "import { now } from './clock.js'",
        "import { now as currentTime } from './clock.js'",
        "import { Clock } from './index.js'",
      ],
    );
  });
});
