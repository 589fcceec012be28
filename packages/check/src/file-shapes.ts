import { extname } from 'node:path';
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
 * The exact shapes of every job's declarations, one result per job in order (see `fileShapes`). A declaration
 * whose text, kind and language were already given a shape in these jobs takes that shape without being parsed
 * again: the same text has the same shape, and copies are what the jobs are made of (on the 2,010-file benchmark
 * corpus, 2,206 declarations to compare held 1,569 distinct texts, a third of the characters to parse). For Python
 * files, `prepareFrontEnds` must have been awaited on this thread.
 */
export function jobsShapes(jobs: readonly ShapeJob[]): ShapeResults[] {
  const byText = new Map<string, Shape | null>();
  return jobs.map((job) => fileShapes(job, byText));
}

/**
 * Reads the job's file and parses its declarations' texts (see `declarationShapes`), taking from `byText` the
 * shapes of texts already parsed and adding the new ones.
 */
function fileShapes(job: ShapeJob, byText: Map<string, Shape | null>): ShapeResults {
  let keyed: KeyedSource | undefined;
  try {
    keyed = readKeyedSource(job.file, { expectedKey: job.key });
  } catch {
    keyed = undefined; // unreadable now: its declarations are not compared, as for a changed file
  }
  if (keyed === undefined) return job.declarations.map(() => null);
  const { source } = keyed;
  const language = extname(job.file);
  const textKeys = job.declarations.map(
    ({ kind, at }) => `${language}\0${kind}\0${at.expression}\0${source.slice(at.start, at.end)}`,
  );
  /** The declarations whose text has no shape yet, each text once, with its key. */
  const unknown = new Map<string, ShapeJob['declarations'][number]>();
  job.declarations.forEach((declaration, i) => {
    const textKey = textKeys[i] ?? '';
    if (!byText.has(textKey) && !unknown.has(textKey)) unknown.set(textKey, declaration);
  });
  if (unknown.size > 0) {
    const shapes = declarationShapes(job.file, source, [...unknown.values()]);
    let next = 0;
    for (const textKey of unknown.keys()) byText.set(textKey, shapes[next++] ?? null);
  }
  return textKeys.map((textKey) => byText.get(textKey) ?? null);
}
