import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};

/** Packages of the Runwire server: the checker must install none of them. */
const SERVER_PACKAGES = ['runwire', 'fastify', 'ioredis', 'ws', 'better-sqlite3', 'pino', 'jose', 'prom-client'];

/** The folder of package `name` as Node would find it from `fromDir` (node_modules lookup up the tree). */
function packageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every package a dependency pulls in, by name (its dependencies, recursively, as installed here). */
function dependencyClosure(names: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (name: string, fromDir: string): void => {
    if (found.has(name)) return;
    const dir = packageDir(name, fromDir);
    if (dir === undefined) return; // an optional dependency of another platform
    found.set(name, dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir);
  };
  for (const name of names) visit(name, PACKAGE_DIR);
  return found;
}

describe('the @runwire/check package', () => {
  it('depends on nothing of the server, directly or through its dependencies', () => {
    const closure = dependencyClosure(Object.keys(manifest.dependencies ?? {}));
    assert.ok(closure.size >= Object.keys(manifest.dependencies ?? {}).length);
    for (const name of SERVER_PACKAGES) assert.ok(!closure.has(name), `${name} is in the checker's dependencies`);
  });

  it('compiles nothing at install: no dependency has a node-gyp build or an install script', () => {
    for (const [name, dir] of dependencyClosure(Object.keys(manifest.dependencies ?? {}))) {
      assert.ok(!existsSync(join(dir, 'binding.gyp')), `${name} builds a native addon at install`);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
      for (const hook of ['preinstall', 'install', 'postinstall']) {
        assert.equal(pkg.scripts?.[hook], undefined, `${name} has an ${hook} script`);
      }
    }
  });

  it('packs only what a user needs: the CLI, the build, the docs', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: PACKAGE_DIR,
      encoding: 'utf8',
    });
    const [pack] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
    const paths = (pack?.files ?? []).map((f) => f.path);
    assert.ok(paths.includes('bin/runwire-check.js') && paths.includes('dist/index.js'), paths.join(', '));
    const unexpected = paths.filter((p) => !/^(bin\/|dist\/|docs\/|README\.md$|LICENSE$|package\.json$)/.test(p));
    assert.deepEqual(unexpected, []);
    assert.ok(!paths.some((p) => /\.test\.|\/test\/|\/bench\/|fixtures|\.map$/.test(p)), 'no tests, benches or maps');
  });
});
