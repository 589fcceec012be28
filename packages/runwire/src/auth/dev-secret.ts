import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

/**
 * Where a dev-mode server (`runwire serve` without a secret) keeps its random secret while it runs, relative to its
 * working directory, so that `runwire token --user bob` run in the same directory mints tokens it accepts. Only
 * the owner may read it (0600); the server removes it at shutdown, and a new dev server makes a new secret.
 */
export const DEV_SECRET_FILE = join('.runwire', 'dev-secret');

/** Writes `secret` to `DEV_SECRET_FILE` under `dir` with mode 0600 and returns the file's path. */
export function writeDevSecret(secret: string, dir: string): string {
  const path = join(dir, DEV_SECRET_FILE);
  mkdirSync(join(dir, '.runwire'), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // `mode` only applies when the file is created
  return path;
}

/**
 * The dev server's secret under `dir`, or `undefined` when no dev server wrote one.
 * @throws ConfigError when the file can be read by anyone but its owner.
 */
export function readDevSecret(dir: string): string | undefined {
  const path = join(dir, DEV_SECRET_FILE);
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(`${path} can be read by other users; remove it (or chmod 600 it) and restart the dev server`);
  }
  const secret = readFileSync(path, 'utf8').trim();
  return secret.length > 0 ? secret : undefined;
}

/** Removes the dev secret file under `dir` if it still holds `secret` (another dev server may have replaced it). */
export function removeDevSecret(secret: string, dir: string): void {
  try {
    if (readFileSync(join(dir, DEV_SECRET_FILE), 'utf8').trim() === secret) rmSync(join(dir, DEV_SECRET_FILE));
  } catch {
    // Already gone: nothing to remove.
  }
}
