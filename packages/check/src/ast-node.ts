/**
 * A read-only view of an ESTree node as produced by oxc-parser. The checker reads only a few fields of a few node
 * types, so it narrows from this shape with the helpers below instead of importing the full AST type union.
 */
export interface AstNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly [key: string]: unknown;
}

/** True when `value` looks like an AST node. */
export function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** The child node stored under `key`, if it is one. */
export function childNode(node: AstNode, key: string): AstNode | undefined {
  const value = node[key];
  return isNode(value) ? value : undefined;
}

/** The child nodes stored in the array under `key` (holes and non-nodes skipped). */
export function childNodes(node: AstNode, key: string): AstNode[] {
  const value = node[key];
  return Array.isArray(value) ? value.filter(isNode) : [];
}

/** The name of an `Identifier` node, or undefined for any other node. */
export function identifierName(node: AstNode | undefined): string | undefined {
  return node?.type === 'Identifier' && typeof node.name === 'string' ? node.name : undefined;
}

/** Strips wrappers that do not change which value an expression denotes: parentheses, `as`, `satisfies`, `!`. */
export function unwrapExpression(node: AstNode | undefined): AstNode | undefined {
  let current = node;
  while (
    current !== undefined &&
    (current.type === 'ParenthesizedExpression' ||
      current.type === 'TSAsExpression' ||
      current.type === 'TSSatisfiesExpression' ||
      current.type === 'TSNonNullExpression' ||
      current.type === 'TSTypeAssertion')
  ) {
    current = childNode(current, 'expression');
  }
  return current;
}
