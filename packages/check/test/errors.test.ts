import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readBaseline } from '../src/baseline.js';
import { loadCheckConfig } from '../src/check-config.js';
import { CheckError } from '../src/check-error.js';
import { discoverFiles } from '../src/discover-files.js';
import { progressBar } from '../src/progress-bar.js';

function inTemp<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'runwire-check-errors-'));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('check errors', () => {
  it('rejects a config value of the wrong type with bad_config naming the key', () => {
    inTemp((dir) => {
      const file = join(dir, 'runwire.config.json');
      writeFileSync(file, '{ "factoryOnly": { "Tracker": "src/factory.ts" } }');
      assert.throws(
        () => loadCheckConfig({ searchFrom: dir }),
        (error: unknown) =>
          error instanceof CheckError &&
          error.code === 'bad_config' &&
          error.subject === file &&
          /^Config file '.*' is invalid: factoryOnly\.Tracker: .*See docs\/check\.md for the config format$/.test(
            error.message,
          ),
      );
    });
  });

  it('rejects an unknown top-level key and lists the known ones', () => {
    inTemp((dir) => {
      writeFileSync(join(dir, 'runwire.config.json'), '{ "excludes": [] }');
      assert.throws(() => loadCheckConfig({ searchFrom: dir }), {
        name: 'CheckError',
        code: 'bad_config',
        message: new RegExp(
          `^Config file '${dir}/runwire.config.json' is invalid: \\(top level\\): unknown key "excludes" \\(known: \\$schema, include, exclude, defaultExcludes, factoryOnly, canonical, rules, tsconfig, worlds, generated, minCloneStatements\\)`,
        ),
      });
    });
  });

  it('compiles config paths against the config folder and applies rule defaults', () => {
    inTemp((dir) => {
      writeFileSync(
        join(dir, 'runwire.config.json'),
        '{ "canonical": { "Clock": "src/clock.ts" }, "rules": { "duplicate-shape": "off" } }',
      );
      const config = loadCheckConfig({ searchFrom: join(dir) });
      assert.equal(config.canonical.get('Clock'), join(dir, 'src/clock.ts'));
      assert.equal(config.rules['duplicate-shape'], 'off');
      assert.equal(config.rules['factory-bypass'], 'error');
      assert.equal(config.exclude.includes('**/fixtures/**'), true);
    });
  });

  it('rejects a path that does not exist and a file that is not source with unreadable_path', () => {
    inTemp((dir) => {
      const config = loadCheckConfig({ searchFrom: dir });
      assert.throws(() => discoverFiles([join(dir, 'missing')], config), {
        name: 'CheckError',
        code: 'unreadable_path',
        message: `Cannot read '${join(dir, 'missing')}': no such file or directory; check the path and permissions`,
      });
      writeFileSync(join(dir, 'notes.txt'), 'hello');
      assert.throws(() => discoverFiles([join(dir, 'notes.txt')], config), {
        code: 'unreadable_path',
        message: /not a TypeScript, JavaScript or Python file/,
      });
    });
  });

  it('rejects a baseline file in another format with bad_baseline', () => {
    inTemp((dir) => {
      const file = join(dir, 'baseline.json');
      writeFileSync(file, '{ "fingerprints": [] }');
      assert.throws(() => readBaseline(file), {
        name: 'CheckError',
        code: 'bad_baseline',
        message: `Baseline '${file}' is not a runwire check baseline (unknown format); delete it to write a new one`,
      });
      assert.equal(readBaseline(join(dir, 'absent.json')), undefined);
    });
  });
});

describe('progressBar', () => {
  it('draws on a TTY for long scans, clears itself, and stays silent otherwise', () => {
    let drawn = '';
    const tty = progressBar({ isTTY: true, columns: 60, write: (text: string) => (drawn += text) });
    tty.update(100, 400);
    tty.clear();
    assert.equal(drawn, `\r[${'#'.repeat(8)}${' '.repeat(22)}] 100/400 files\r\u001b[2K`);

    let quiet = '';
    const pipe = progressBar({ isTTY: false, write: (text: string) => (quiet += text) });
    pipe.update(100, 400);
    const short = progressBar({ isTTY: true, write: (text: string) => (quiet += text) });
    short.update(5, 10);
    pipe.clear();
    short.clear();
    assert.equal(quiet, '');
  });
});
