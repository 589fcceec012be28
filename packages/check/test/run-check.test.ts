import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { runCheck } from '../src/run-check.js';
import { fixturePath } from './check-fixture.js';
import { copyFixture } from './temp-tree.js';
import { captureIo } from './test-io.js';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 15_000; waited += 25) {
    if (condition()) return;
    await delay(25);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('runCheck', () => {
  it('colors the text report on a TTY, and not when NO_COLOR is set or --no-color is given', async () => {
    const cwd = fixturePath('routers-before');
    const tty = captureIo(cwd, { tty: true, noColor: false });
    assert.equal(await runCheck({ paths: ['.'], cache: false }, tty), 1);
    assert.equal(tty.out().includes('\u001b[31merror\u001b[39m'), true);

    const noColorEnv = captureIo(cwd, { tty: true, noColor: true });
    await runCheck({ paths: ['.'], cache: false }, noColorEnv);
    assert.equal(noColorEnv.out().includes('\u001b['), false);

    const flag = captureIo(cwd, { tty: true, noColor: false });
    await runCheck({ paths: ['.'], cache: false, color: false }, flag);
    assert.equal(flag.out().includes('\u001b['), false);
    assert.equal(flag.out(), noColorEnv.out().replace(/\d+ ms\n$/, flag.out().match(/\d+ ms\n$/)?.[0] ?? ''));
  });

  it('prints every finding with its fix, grouped by rule, then the score and its formula', async () => {
    const io = captureIo(fixturePath('routers-before'), { tty: false, noColor: false });
    await runCheck({ paths: ['src'], cache: false }, io);
    const lines = io.out().split('\n');
    assert.equal(lines[0], 'shim-subclass (2)');
    assert.match(
      lines[1] ?? '',
      /^ {2}src\/compat-router\.ts:3:14 {2}error {2}class 'CompatRouter' extends 'Router' \(src\/router\.ts:3\) and adds nothing/,
    );
    assert.equal(
      lines.filter((line) => line.trim().startsWith('fix: replace the class with `export { Router as ')).length,
      2,
    );
    assert.match(io.out(), /\nscore 60 {2}\(100 × 3 clean \/ 5 concepts = 60; a concept is/);
  });

  it('in watch mode re-checks after an edit and prints the fixed finding and the new score', async () => {
    const tree = copyFixture('routers-before');
    const controller = new AbortController();
    const io = captureIo(tree.dir, { tty: false, noColor: false, signal: controller.signal });
    try {
      const running = runCheck({ paths: ['src'], cache: false, watch: true }, io);
      await until(() => io.err().includes('watching for changes'), 'the watcher');
      await delay(200); // let the watcher settle its initial scan
      const legacy = join(tree.dir, 'src/legacy-router.ts');
      writeFileSync(legacy, "export { Router as LegacyRouter } from './router.js';\n");
      await until(() => io.out().includes('score 60 → '), 'the re-check');
      controller.abort();
      assert.equal(await running, 1);
      const changes = io.out().slice(io.out().indexOf('changed: '));
      assert.match(changes, /^changed: src\/legacy-router\.ts\n/);
      assert.match(changes, /\n {2}- shim-subclass src\/legacy-router\.ts:4 {2}class 'LegacyRouter' extends 'Router'/);
      assert.match(changes, /\nscore 60 → 75 \(\+15\.00\)/);
      assert.equal(readFileSync(legacy, 'utf8').startsWith('export {'), true);
    } finally {
      controller.abort();
      tree.remove();
    }
  });
});
