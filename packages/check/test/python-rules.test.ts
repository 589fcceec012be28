import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadCheckConfig } from '../src/check-config.js';
import { discoverFiles } from '../src/discover-files.js';
import { FactsWorkerPool } from '../src/facts-worker-pool.js';
import { extractFileFacts, prepareFrontEnds } from '../src/front-ends.js';
import { checkFixture, checkTree, fixturePath } from './check-fixture.js';
import { tempTree } from './temp-tree.js';

describe('the rules on Python', () => {
  it('finds the MessageRouter situation: two shim routers beside an alias, a factory-only tracker built in app and test code', async () => {
    const { result, findings } = await checkFixture('python-routers');
    assert.deepEqual(findings, [
      { rule: 'shim-subclass', concept: 'QualityRouter', file: 'app/quality/router.py', line: 4 },
      { rule: 'shim-subclass', concept: 'CanonicalMessageRouter', file: 'app/routing/canonical_router.py', line: 4 },
      { rule: 'factory-bypass', concept: 'AgentExecutionTracker', file: 'app/service.py', line: 7 },
      { rule: 'factory-bypass', concept: 'AgentExecutionTracker', file: 'tests/test_service.py', line: 6 },
    ]);
    const [quality, canonical, app, test] = result.findings;
    assert.equal(
      quality?.fix,
      'replace the class with `from ..routing.message_router import MessageRouter as QualityRouter`',
    );
    assert.equal(
      canonical?.fix,
      'replace the class with `from .message_router import MessageRouter as CanonicalMessageRouter`',
    );
    assert.equal(
      app?.message,
      "`AgentExecutionTracker()` constructs factory-only class 'AgentExecutionTracker' (@factoryOnly, app/tracking/execution_tracker.py:3) outside its factories, reached through import 'AgentExecutionTracker' (app/service.py:2)",
    );
    assert.equal(
      test?.fix,
      "obtain 'AgentExecutionTracker' from its factory instead of calling the class (modules allowed to construct it: app/tracking/execution_tracker.py)",
    );
    assert.deepEqual(result.parseProblems, []);
    assert.equal(result.files, 10);
    assert.equal(result.score.formula, '100 × 4 clean / 7 concepts = 57.14');
  });

  it('finds a class defined twice, a function pasted under its name, a small renamed clone and a deprecated alias import', async () => {
    const { result, findings } = await checkFixture('python-duplicates');
    assert.deepEqual(findings, [
      { rule: 'duplicate-definition', concept: 'RetryOptions', file: 'pkg/b/retry_options.py', line: 1 },
      { rule: 'duplicate-definition', concept: 'median', file: 'pkg/b/stats.py', line: 1 },
      { rule: 'duplicate-shape', concept: 'latency_bucket', file: 'pkg/b/buckets.py', line: 1 },
      { rule: 'non-canonical-import', concept: 'Clock', file: 'pkg/user.py', line: 1 },
    ]);
    const messages = result.findings.map((finding) => finding.message);
    assert.equal(
      messages[2],
      "function 'score_bucket' (pkg/a/buckets.py), 'latency_bucket' (pkg/b/buckets.py) have the same body under different names and constants",
    );
    assert.equal(messages[3], "'OldClock' imports 'Clock' through a deprecated alias (pkg/compat.py:4)");
    assert.equal(result.findings[3]?.fix, 'from .clock import Clock as OldClock');
    assert.equal(
      result.findings[0]?.fix,
      'keep the definition in pkg/a/retry_options.py and replace each copy with `from ..a.retry_options import RetryOptions` (or import it)',
    );
  });

  it("leaves exceptions alone: each module's own Error, and a subclass that only names a failure for `except`", async () => {
    const tree = tempTree({
      'runwire.config.json': '{}',
      'pkg/__init__.py': '',
      'pkg/a.py': 'class Error(Exception):\n    pass\n\n\nclass Clamped(Error):\n    """Rounded away."""\n',
      'pkg/b.py':
        'from .a import Clamped\n\n\nclass Error(ValueError):\n    pass\n\n\nclass Subnormal(Clamped):\n    pass\n',
      'pkg/c.py': 'class Base:\n    def run(self):\n        return 1\n\n\nclass Shim(Base):\n    pass\n',
    });
    try {
      const { findings } = await checkTree(tree.dir);
      assert.deepEqual(findings, [{ rule: 'shim-subclass', concept: 'Shim', file: 'pkg/c.py', line: 6 }]);
    } finally {
      tree.remove();
    }
  });

  it('takes factory-only classes and canonical modules from the configuration too', async () => {
    const tree = tempTree({
      'runwire.config.json': JSON.stringify({
        factoryOnly: { Store: ['pkg/stores.py'] },
        canonical: { Clock: 'pkg/clock.py' },
      }),
      'pkg/__init__.py': 'from .clock import Clock\n',
      'pkg/clock.py': 'class Clock:\n    def now(self):\n        return 0\n',
      'pkg/store.py': 'class Store:\n    def get(self, key):\n        return key\n',
      'pkg/stores.py': 'from .store import Store\n\n\ndef open_store():\n    return Store()\n',
      'pkg/app.py': 'from pkg import Clock\nfrom pkg.store import Store\n\n\ndef run():\n    return Store(), Clock()\n',
    });
    try {
      const { result, findings } = await checkTree(tree.dir);
      assert.deepEqual(findings, [
        { rule: 'factory-bypass', concept: 'Store', file: 'pkg/app.py', line: 6 },
        { rule: 'non-canonical-import', concept: 'Clock', file: 'pkg/app.py', line: 1 },
      ]);
      assert.equal(result.findings[1]?.fix, 'from .clock import Clock');
    } finally {
      tree.remove();
    }
  });

  it('gives a mixed TypeScript and Python tree one report and one score, and never calls a class in the other language a copy', async () => {
    const { result, findings } = await checkFixture('python-mixed');
    assert.deepEqual(findings, [
      { rule: 'shim-subclass', concept: 'CompatRouter', file: 'agents/routing/compat.py', line: 4 },
      { rule: 'shim-subclass', concept: 'LegacyRouter', file: 'web/src/legacy-router.ts', line: 3 },
    ]);
    assert.equal(result.files, 8);
    assert.equal(result.score.formula, '100 × 3 clean / 5 concepts = 60');
  });

  it('extracts the same Python facts on worker threads as on the main thread', async () => {
    const dir = fixturePath('python-routers');
    const files = discoverFiles([dir], loadCheckConfig({ searchFrom: dir }));
    const jobs = files.map((file) => ({ file, source: readFileSync(file, 'utf8') }));
    await prepareFrontEnds(files);
    const pool = new FactsWorkerPool(2);
    try {
      const fromWorkers = await pool.extract(jobs);
      assert.equal(fromWorkers.length, 10);
      assert.deepEqual(
        fromWorkers,
        jobs.map((job) => extractFileFacts(job.file, job.source)),
      );
    } finally {
      await pool.close();
    }
  });
});
