import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN } from '../helpers/server-process.js';

/** The machine's own Node when it is older than we support (these machines ship Node 20 as /usr/bin/node). */
function olderNode(): string | undefined {
  const candidate = process.env.RUNWIRE_OLD_NODE ?? '/usr/bin/node';
  if (!existsSync(candidate)) return undefined;
  const version = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major < 22 || (major === 22 && minor < 12) ? candidate : undefined;
}

const oldNode = olderNode();

describe('on a Node older than 22.12', () => {
  // A real older Node, not a faked version string: the point is what that Node does with our files.
  const skip = oldNode === undefined ? 'no Node older than 22.12 here (set RUNWIRE_OLD_NODE to one)' : false;
  for (const [name, bin, args] of [
    ['runwire serve', BIN, ['serve', '--store', 'sqlite', '--port', '0']],
    ['runwire-check', join(dirname(BIN), '..', '..', 'check', 'bin', 'runwire-check.js'), ['--help']],
  ] as const) {
    it(`${name} says which Node it needs and how to get it, and exits 1`, { skip }, () => {
      // In a folder of its own: should the guard fail, dev mode would write its secret where it runs.
      const cwd = mkdtempSync(join(tmpdir(), 'runwire-old-node-'));
      const result = spawnSync(oldNode as string, [bin, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
      rmSync(cwd, { recursive: true, force: true });
      assert.equal(result.signal, null, `killed by ${result.signal}: ${result.stderr}`);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /Node\.js 22\.12 or newer is needed, this is v\d+\.\d+\.\d+/);
      assert.match(result.stderr, /\. scripts\/use-node\.sh 24/);
      assert.equal(result.stdout, '');
    });
  }
});
