import { exactShapes, type ShapeRequest } from './exact-shape.js';
import { extractFacts } from './extract-facts.js';
import type { FileFacts } from './facts.js';
import { isPythonFile } from './python/python-file.js';
import type { PythonFrontEnd } from './python/python-front-end.js';
import type { Shape } from './shape-fingerprint.js';

/** The Python front end of this thread, once loaded. */
let python: PythonFrontEnd | undefined;

/**
 * Loads the front ends these files need that are not loaded yet on this thread. The TypeScript one (oxc) is always
 * ready; the Python one (tree-sitter in WebAssembly) loads asynchronously, only when a Python file comes.
 */
export async function prepareFrontEnds(files: readonly string[]): Promise<void> {
  if (python !== undefined || !files.some(isPythonFile)) return;
  const { loadPythonFrontEnd } = await import('./python/python-front-end.js');
  python ??= await loadPythonFrontEnd();
}

/**
 * The facts of one source file, from the front end of its language: Python for `.py`, oxc for the rest.
 *
 * @throws Error for a Python file when {@link prepareFrontEnds} was not awaited for it
 */
export function extractFileFacts(file: string, source: string): FileFacts {
  return isPythonFile(file) ? pythonFrontEnd().extractFacts(source) : extractFacts(file, source);
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
  if (!isPythonFile(file)) return exactShapes(file, source, requests);
  const front = pythonFrontEnd();
  return requests.map(({ kind, at }) => front.exactShape(source, kind, at));
}

function pythonFrontEnd(): PythonFrontEnd {
  if (python === undefined) throw new Error('the Python front end is not loaded; await prepareFrontEnds() first');
  return python;
}
