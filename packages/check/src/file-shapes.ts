import type { DeclarationKind, ShapeSource } from './facts.js';
import { FactsCache } from './facts-cache.js';
import { declarationShapes } from './front-ends.js';
import { readSource } from './read-source.js';
import type { Shape } from './shape-fingerprint.js';

/** Declarations of one file to give exact shapes, and the content key their facts came from. */
export interface ShapeJob {
  readonly file: string;
  readonly key: string;
  readonly declarations: readonly { readonly kind: DeclarationKind; readonly at: ShapeSource }[];
}

/** Exact shapes of a job's declarations in order; null when the file has changed since, or no longer parses. */
export type ShapeResults = readonly (Shape | null)[];

/**
 * Reads the job's file and parses its declarations' texts (see `declarationShapes`). For a Python file,
 * `prepareFrontEnds` must have been awaited on this thread.
 */
export function fileShapes(job: ShapeJob): ShapeResults {
  let source: string | undefined;
  try {
    source = readSource(job.file);
  } catch {
    source = undefined; // unreadable now: its declarations are not compared, as for a changed file
  }
  if (source === undefined || FactsCache.key(job.file, source) !== job.key) return job.declarations.map(() => null);
  return declarationShapes(job.file, source, job.declarations).map((shape) => shape ?? null);
}
