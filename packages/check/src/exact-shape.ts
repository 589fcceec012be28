import { type AstNode, childNode, childNodes, unwrapExpression } from './ast-node.js';
import type { DeclarationKind, ShapeSource } from './facts.js';
import { parseSource, RAW_TRANSFER_SUPPORTED } from './parse-source.js';
import { type Shape, shapeFingerprint } from './shape-fingerprint.js';

/** One declaration to give an exact shape: what it declares and where its text is. */
export interface ShapeRequest {
  readonly kind: DeclarationKind;
  readonly at: ShapeSource;
}

/** Separates the declarations of one file in the text parsed for their shapes (`;` so that no two ever join). */
const SEPARATOR = ';\n';

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
  const result = parseSource(fileName, declarationText(source, at), { preserveParens: false }, rawTransfer);
  if (result.errors.length > 0) return undefined;
  const [statement] = childNodes(result.program as unknown as AstNode, 'body');
  return statement === undefined ? undefined : statementShape(statement, kind, at);
}

/**
 * The exact shapes of several declarations of one file, in order, as {@link exactShape} gives them one by one, but
 * from one parse: their texts are joined, each its own statement, so the parser is called once per file instead of
 * once per declaration. Should the joined text not parse cleanly (one declaration no longer parses, or two of them
 * declare one name), each is parsed alone, so one bad declaration never costs the others their shapes.
 */
export function exactShapes(
  fileName: string,
  source: string,
  requests: readonly ShapeRequest[],
  rawTransfer = RAW_TRANSFER_SUPPORTED,
): (Shape | undefined)[] {
  const one = (request: ShapeRequest): Shape | undefined =>
    exactShape(fileName, source, request.kind, request.at, rawTransfer);
  if (requests.length < 2) return requests.map(one);
  const starts: number[] = [];
  let text = '';
  for (const { at } of requests) {
    if (text.length > 0) text += SEPARATOR;
    starts.push(text.length);
    text += declarationText(source, at);
  }
  const result = parseSource(fileName, text, { preserveParens: false }, rawTransfer);
  if (result.errors.length > 0) return requests.map(one);
  const byStart = new Map<number, AstNode>();
  for (const statement of childNodes(result.program as unknown as AstNode, 'body')) {
    byStart.set(statement.start, statement);
  }
  return requests.map((request, i) => {
    const start = starts[i] ?? -1;
    const statement = byStart.get(start);
    const end = (starts[i + 1] ?? text.length + SEPARATOR.length) - SEPARATOR.length;
    // A statement that does not span exactly this declaration's text (an expression's takes the `;` after it) is
    // not its own: parse it alone.
    if (statement === undefined || (statement.end !== end && statement.end !== end + 1)) return one(request);
    return statementShape(statement, request.kind, request.at);
  });
}

/** The text a declaration is parsed from: as written, an expression in parentheses. */
function declarationText(source: string, at: ShapeSource): string {
  const text = source.slice(at.start, at.end);
  return at.expression ? `(${text})` : text;
}

/** The shape of the declaration `statement` holds, or undefined when it is not the kind of declaration it was. */
function statementShape(statement: AstNode, kind: DeclarationKind, at: ShapeSource): Shape | undefined {
  const node = at.expression ? unwrapExpression(childNode(statement, 'expression')) : statement;
  if (node === undefined) return undefined;
  if (kind === 'class') {
    if (node.type !== 'ClassDeclaration' && node.type !== 'ClassExpression') return undefined;
    return shapeFingerprint([childNode(node, 'body')]);
  }
  if (!/^(?:FunctionDeclaration|FunctionExpression|ArrowFunctionExpression)$/.test(node.type)) return undefined;
  return shapeFingerprint([...childNodes(node, 'params'), childNode(node, 'body')]);
}
