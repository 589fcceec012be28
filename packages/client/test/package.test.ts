import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const dist = new URL('../dist/', import.meta.url);

describe('@runwire/client as published', () => {
  it('imports nothing at run time but its own files (no Node built-in, no ws, no runwire)', () => {
    const files = readdirSync(dist).filter((name) => name.endsWith('.js'));
    assert.ok(files.includes('index.js'), 'build the package first (npm run build)');
    const foreign: string[] = [];
    for (const name of files) {
      const code = readFileSync(new URL(name, dist), 'utf8');
      for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) {
        if (!match[1]!.startsWith('./')) foreign.push(`${name}: ${match[1]}`);
      }
    }
    assert.deepEqual(foreign, []);
  });

  it('packs only its build and README', () => {
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: new URL('..', import.meta.url),
        encoding: 'utf8',
      }),
    ) as [{ files: { path: string }[] }];
    const outside = pack.files
      .map((f) => f.path)
      .filter((p) => !/^(dist\/.*\.(js|d\.ts)|README\.md|package\.json)$/.test(p));
    assert.deepEqual(outside, []);
    assert.ok(pack.files.some((f) => f.path === 'README.md'));
  });
});
