import { exactShape } from './exact-shape.js';
import { extractFacts } from './extract-facts.js';
import type { DeclarationKind, FileFacts, ShapeSource } from './facts.js';
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

/** The exact shape of one declaration (see `exactShape`), from the front end of its file's language. */
export function declarationShape(
  file: string,
  source: string,
  kind: DeclarationKind,
  at: ShapeSource,
): Shape | undefined {
  return isPythonFile(file) ? pythonFrontEnd().exactShape(source, kind, at) : exactShape(file, source, kind, at);
}

function pythonFrontEnd(): PythonFrontEnd {
  if (python === undefined) throw new Error('the Python front end is not loaded; await prepareFrontEnds() first');
  return python;
}
