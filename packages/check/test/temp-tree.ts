// Temporary trees for tests that edit files or need a tree of their own: a fixture's copy, or files given inline.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fixturePath } from './check-fixture.js';

/** A copy of fixture `name` in a temporary folder; `remove` deletes it. */
export function copyFixture(name: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `runwire-check-${name}-`));
  cpSync(fixturePath(name), dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh temporary folder holding `files` (relative path → content); `remove` deletes it. */
export function tempTree(files: Readonly<Record<string, string>>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'runwire-check-tree-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
