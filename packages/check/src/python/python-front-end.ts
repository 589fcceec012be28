import type { DeclarationKind, FileFacts, ShapeSource } from '../facts.js';
import type { Shape } from '../shape-fingerprint.js';
import { pythonExactShape } from './python-exact-shape.js';
import { extractPythonFacts } from './python-facts.js';
import { loadPythonParser } from './python-parser.js';

/** The Python front end once its parser is loaded: the same two operations the TypeScript one offers. */
export interface PythonFrontEnd {
  extractFacts(source: string): FileFacts;
  exactShape(source: string, kind: DeclarationKind, at: ShapeSource): Shape | undefined;
}

/** Loads the tree-sitter parser (once per thread) and returns the front end bound to it. */
export async function loadPythonFrontEnd(): Promise<PythonFrontEnd> {
  const parser = await loadPythonParser();
  return {
    extractFacts: (source) => extractPythonFacts(parser, source),
    exactShape: (source, kind, at) => pythonExactShape(parser, source, kind, at),
  };
}
