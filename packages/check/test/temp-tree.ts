// Copies a fixture tree to a fresh temporary folder, for tests that edit files.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from './check-fixture.js';

/** A copy of fixture `name` in a temporary folder; `remove` deletes it. */
export function copyFixture(name: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `runwire-check-${name}-`));
  cpSync(fixturePath(name), dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
