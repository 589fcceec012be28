import type { Parser } from 'web-tree-sitter';
import type { DeclarationKind, ShapeSource } from '../facts.js';
import type { Shape } from '../shape-fingerprint.js';
import { pythonShape } from './python-shape.js';
import { syntaxTree } from './python-syntax.js';

/**
 * The exact shape of one Python declaration, parsed from its own text: the parameters and body of a function, the
 * body of a class. Undefined when the text no longer parses as the declaration it was.
 */
export function pythonExactShape(
  parser: Parser,
  source: string,
  kind: DeclarationKind,
  at: ShapeSource,
): Shape | undefined {
  const tree = parser.parse(source.slice(at.start, at.end));
  if (tree === null) return undefined;
  try {
    const node = tree.rootNode.namedChild(0);
    if (tree.rootNode.hasError || node === null) return undefined;
    if (kind === 'class') {
      if (node.type !== 'class_definition') return undefined;
      const body = node.childForFieldName('body');
      return pythonShape([body === null ? undefined : syntaxTree(body)], true);
    }
    if (node.type !== 'function_definition') return undefined;
    const parameters = node.childForFieldName('parameters');
    const body = node.childForFieldName('body');
    return pythonShape([parameters, body].map((part) => (part === null ? undefined : syntaxTree(part))));
  } finally {
    tree.delete();
  }
}
