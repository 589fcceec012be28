// Builds the benchmark corpus: real TypeScript and JavaScript sources shipped inside installed npm packages, copied
// into one temporary folder so that every tool reads exactly the same files.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** Packages (and folders inside them) whose sources make up the corpus. */
const SOURCES = [
  'zod',
  'ajv/lib',
  'fastify',
  'dependency-cruiser/src',
  'pino',
  'ioredis/built',
  '@types/node',
  'typescript/lib',
  'jose/dist',
  'prom-client/lib',
  'ws/lib',
  'commander',
  'better-sqlite3/lib',
];

/** Files larger than this (e.g. typescript.js, lib.dom.d.ts) are left out: one file would dominate every tool. */
const MAX_FILE_BYTES = 256 * 1024;

const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** A corpus on disk. */
export interface Corpus {
  readonly dir: string;
  readonly files: readonly string[];
  readonly bytes: number;
  remove(): void;
}

/** Copies up to `limit` source files (sorted, per package in SOURCES order) into a fresh folder named after `name`. */
export function buildCorpus(nodeModules: string, name: string, limit = Number.POSITIVE_INFINITY): Corpus {
  // A folder of its own: on a shared machine another run of the bench must not delete or refill it meanwhile.
  const dir = mkdtempSync(join(tmpdir(), `runwire-check-bench-${name}-`));
  const files: string[] = [];
  let bytes = 0;
  for (const source of SOURCES) {
    const root = join(nodeModules, source);
    for (const file of walk(root)) {
      if (files.length >= limit) break;
      const size = statSync(file).size;
      if (size > MAX_FILE_BYTES) continue;
      const target = join(dir, source.replaceAll('/', '__'), relative(root, file));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
      files.push(target);
      bytes += size;
    }
  }
  return { dir, files, bytes, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function walk(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry === 'node_modules') continue;
    const full = join(dir, entry);
    const stat = statSync(full);
    if (stat.isDirectory()) files.push(...walk(full));
    else if (SOURCE_FILE.test(entry)) files.push(full);
  }
  return files;
}
