import type { DeclarationKind, ShapeSource } from './facts.js';
import { declarationShapes } from './front-ends.js';
import { type KeyedSource, readKeyedSource } from './read-source.js';
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
  let keyed: KeyedSource | undefined;
  try {
    keyed = readKeyedSource(job.file, job.key);
  } catch {
    keyed = undefined; // unreadable now: its declarations are not compared, as for a changed file
  }
  if (keyed === undefined) return job.declarations.map(() => null);
  return declarationShapes(job.file, keyed.source, job.declarations).map((shape) => shape ?? null);
}
