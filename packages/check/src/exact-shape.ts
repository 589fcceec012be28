import { type AstNode, childNode, childNodes, unwrapExpression } from './ast-node.js';
import type { DeclarationKind, ShapeSource } from './facts.js';
import { parseSource, RAW_TRANSFER_SUPPORTED } from './parse-source.js';
import { type Shape, shapeFingerprint } from './shape-fingerprint.js';

/**
 * The exact shape of one declaration (see `shapeFingerprint`), parsed from its own text: the parameters and body
 * of a function, the body of a class. Undefined when the text no longer parses as the declaration it was. (Which
 * sizes are compared is the rules' business.)
 *
 * @param fileName - the declaring file: its extension picks the language
 * @param rawTransfer - parse through oxc's raw transfer; @default where the runtime supports it
 */
export function exactShape(
  fileName: string,
  source: string,
  kind: DeclarationKind,
  at: ShapeSource,
  rawTransfer = RAW_TRANSFER_SUPPORTED,
): Shape | undefined {
  const text = source.slice(at.start, at.end);
  const result = parseSource(fileName, at.expression ? `(${text})` : text, { preserveParens: false }, rawTransfer);
  if (result.errors.length > 0) return undefined;
  const [statement] = childNodes(result.program as unknown as AstNode, 'body');
  const node = at.expression ? unwrapExpression(statement && childNode(statement, 'expression')) : statement;
  if (node === undefined) return undefined;
  if (kind === 'class') {
    if (node.type !== 'ClassDeclaration' && node.type !== 'ClassExpression') return undefined;
    return shapeFingerprint([childNode(node, 'body')]);
  }
  if (!/^(?:FunctionDeclaration|FunctionExpression|ArrowFunctionExpression)$/.test(node.type)) return undefined;
  return shapeFingerprint([...childNodes(node, 'params'), childNode(node, 'body')]);
}
