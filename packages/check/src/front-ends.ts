import type { ShapeRequest } from './exact-shape.js';
import type { FileFacts } from './facts.js';
import { isPythonFile } from './python/python-file.js';
import type { PythonFrontEnd } from './python/python-front-end.js';
import type { Shape } from './shape-fingerprint.js';

/** The TypeScript and JavaScript front end: oxc's parser, a native addon. */
interface TypeScriptFrontEnd {
  readonly extractFacts: typeof import('./extract-facts.js').extractFacts;
  readonly exactShapes: typeof import('./exact-shape.js').exactShapes;
}

/** The front ends of this thread, once loaded. */
let typescript: TypeScriptFrontEnd | undefined;
let python: PythonFrontEnd | undefined;

/**
 * Loads the front ends these files need that are not loaded yet on this thread, each only when a file of its
 * language comes: a Python tree never loads oxc, a TypeScript one never compiles tree-sitter's WebAssembly.
 */
export async function prepareFrontEnds(files: readonly string[]): Promise<void> {
  if (typescript === undefined && !files.every(isPythonFile)) {
    const [{ extractFacts }, { exactShapes }] = await Promise.all([
      import('./extract-facts.js'),
      import('./exact-shape.js'),
    ]);
    typescript ??= { extractFacts, exactShapes };
  }
  if (python === undefined && files.some(isPythonFile)) {
    const { loadPythonFrontEnd } = await import('./python/python-front-end.js');
    python ??= await loadPythonFrontEnd();
  }
}

/**
 * The facts of one source file, from the front end of its language: Python for `.py`, oxc for the rest.
 *
 * @throws Error when {@link prepareFrontEnds} was not awaited for a file of its language
 */
export function extractFileFacts(file: string, source: string): FileFacts {
  return isPythonFile(file) ? pythonFrontEnd().extractFacts(source) : typeScriptFrontEnd().extractFacts(file, source);
}

/**
 * The exact shapes of several declarations of one file, in order, from the front end of its file's language: oxc
 * parses them all at once (see `exactShapes`), Python one by one.
 */
export function declarationShapes(
  file: string,
  source: string,
  requests: readonly ShapeRequest[],
): (Shape | undefined)[] {
  if (!isPythonFile(file)) return typeScriptFrontEnd().exactShapes(file, source, requests);
  const front = pythonFrontEnd();
  return requests.map(({ kind, at }) => front.exactShape(source, kind, at));
}

function typeScriptFrontEnd(): TypeScriptFrontEnd {
  if (typescript === undefined)
    throw new Error('the TypeScript front end is not loaded; await prepareFrontEnds() first');
  return typescript;
}

function pythonFrontEnd(): PythonFrontEnd {
  if (python === undefined) throw new Error('the Python front end is not loaded; await prepareFrontEnds() first');
  return python;
}
