// The precision corpus: real code from installed npm packages and from this repository, each with the config a
// maintainer of that code would write. Every finding the checker gives on it is listed in judged.json, judged true
// (a concept a maintainer would merge) or false by a person reading the code, with a one-line reason.
import { fileURLToPath } from 'node:url';
import type { CheckConfigFile } from '../../src/check-config.js';

/** The repository root (this file is packages/check/test/precision/corpus.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** One tree of the corpus. */
export interface CorpusTree {
  /** The name judged.json uses. */
  readonly name: string;
  /** The folder checked, relative to the repository root. */
  readonly path: string;
  /** Its config (paths relative to that folder). */
  readonly config: CheckConfigFile;
}

export const PRECISION_CORPUS: readonly CorpusTree[] = [
  {
    // zod ships v3 and v4 side by side on purpose: two worlds (mini and classic are flavours of v4).
    name: 'zod',
    path: 'node_modules/zod/src',
    config: { worlds: { v3: ['v3/**'], v4: ['v4/**', 'v4-mini/**', 'mini/**'] } },
  },
  { name: 'fastify', path: 'node_modules/fastify', config: {} },
  { name: 'ioredis', path: 'node_modules/ioredis/built', config: {} },
  {
    // schema/*.validate.mjs are ajv's standalone output, minified: generated, though their header does not say so.
    name: 'dependency-cruiser',
    path: 'node_modules/dependency-cruiser/src',
    config: { generated: ['schema/*.validate.mjs'] },
  },
  // This repository's packages (tests are left out by the default excludes; benches and scripts are in).
  { name: 'runwire', path: 'packages', config: {} },
];
