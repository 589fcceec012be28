import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const TSX = import.meta.resolve('tsx');
const MODULE = new URL('../src/optimizing-compiler.ts', import.meta.url).href;
/** Node 24's V8: Maglev on by default, which the hold relies on. */
const MAGLEV_BY_DEFAULT = Number(process.versions.v8.split('.')[0]) >= 13;
/** A check's files, mostly TypeScript and JavaScript. */
const TYPESCRIPT = ['a.ts', 'b.js', 'c.py'];

/**
 * Runs a hot function in a child Node (V8's natives syntax tells its tier only there), first while the optimizing
 * compiler is held for the files `hold` (or without holding it), then after the release, and returns the tier
 * reached each time.
 */
function tiers(nodeFlags: readonly string[], hold: readonly string[] | undefined): { held: string; released: string } {
  const script = `
    const { holdOptimizingCompiler } = await import(${JSON.stringify(MODULE)});
    const files = ${JSON.stringify(hold ?? null)};
    const release = files === null ? () => undefined : holdOptimizingCompiler(files);
    function hot(text) { let sum = 0; for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i) * (i & 7); return sum; }
    // The driver is never optimized, so hot is never inlined into it: hot's own tier is what the tiering chose.
    function run(n) { let total = 0; for (let i = 0; i < n; i++) total += hot('abcdefghij' + (i & 15)); return total; }
    %NeverOptimizeFunction(run);
    const tier = () => {
      const status = %GetOptimizationStatus(hot);
      return (status & 64) !== 0 ? 'turbofan' : (status & 32) !== 0 ? 'maglev' : 'unoptimized';
    };
    // V8 compiles on background threads: a pause, then a few calls, install what it compiled meanwhile.
    const settle = async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      run(100);
    };
    run(100000);
    await settle();
    const held = tier();
    release();
    run(100000);
    await settle();
    console.log(JSON.stringify({ held, released: tier() }));
  `;
  const result = spawnSync(
    process.execPath,
    ['--import', TSX, '--allow-natives-syntax', ...nodeFlags, '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim()) as { held: string; released: string };
}

describe('holdOptimizingCompiler', () => {
  it('keeps hot code off TurboFan while held and lets it get there after the release', {
    skip: MAGLEV_BY_DEFAULT ? false : 'Node 22: no Maglev by default, so the hold does nothing (next test)',
  }, () => {
    assert.deepEqual(tiers([], TYPESCRIPT), { held: 'maglev', released: 'turbofan' });
  });

  it('does nothing where TurboFan is the only optimizing compiler (Node 22)', { skip: MAGLEV_BY_DEFAULT }, () => {
    assert.deepEqual(tiers([], TYPESCRIPT), { held: 'turbofan', released: 'turbofan' });
  });

  it('does nothing for a check of mostly Python files', () => {
    assert.deepEqual(tiers([], ['a.py', 'b.py', 'c.ts']), { held: 'turbofan', released: 'turbofan' });
  });

  it('leaves the optimizing compiler as the process was started with it', () => {
    assert.notEqual(tiers(['--no-turbofan'], TYPESCRIPT).released, 'turbofan', 'the release turned TurboFan on');
    assert.equal(tiers(['--turbofan'], TYPESCRIPT).held, 'turbofan', 'the hold kept TurboFan off');
  });
});
