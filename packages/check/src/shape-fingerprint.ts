import { createHash } from 'node:crypto';
import { visitorKeys } from 'oxc-parser';
import { type AstNode, childNode, isNode } from './ast-node.js';

/** Node types whose non-computed `key` is a member name (kept as written) rather than a renamable binding. */
const KEYED_MEMBERS = new Set([
  'Property',
  'MethodDefinition',
  'PropertyDefinition',
  'AccessorProperty',
  'TSPropertySignature',
  'TSMethodSignature',
  'TSAbstractMethodDefinition',
  'TSAbstractPropertyDefinition',
]);

/** Primitive fields that change what code does without being child nodes (`+=` vs `*=`, `let` vs `const`, …). */
const MEANINGFUL_FIELDS = ['operator', 'kind', 'static', 'async', 'generator', 'prefix', 'accessibility', 'optional'];

/**
 * The shape of a function or class: its syntax tree with every identifier renamed by order of first use, while
 * member names, property accesses and literals are kept. Two declarations with equal fingerprints are the same code
 * under other names. Returns undefined for bodies smaller than `minNodes`, which are too small to call a copy.
 *
 * @param parts - the nodes that make up the shape (e.g. params and body), in order
 */
export function shapeFingerprint(parts: readonly (AstNode | undefined)[], minNodes: number): string | undefined {
  const names = new Map<string, number>();
  const tokens: string[] = [];
  let nodeCount = 0;
  const visit = (node: AstNode): void => {
    nodeCount++;
    tokens.push(node.type);
    if (node.type === 'Identifier' || node.type === 'PrivateIdentifier') {
      const name = String(node.name);
      let index = names.get(name);
      if (index === undefined) {
        index = names.size;
        names.set(name, index);
      }
      tokens.push(`$${index}`);
      return;
    }
    if (node.type === 'Literal') {
      tokens.push(typeof node.raw === 'string' ? node.raw : String(node.value));
      return;
    }
    if (node.type === 'TemplateElement') {
      const value = node.value as { cooked?: unknown } | undefined;
      tokens.push(String(value?.cooked));
      return;
    }
    for (const field of MEANINGFUL_FIELDS) {
      const value = node[field];
      if (typeof value === 'string' || value === true) tokens.push(`${field}=${String(value)}`);
    }
    const keys = visitorKeys[node.type] ?? [];
    for (const key of keys) {
      const value = node[key];
      if (node.computed === false && (KEYED_MEMBERS.has(node.type) ? key === 'key' : key === 'property')) {
        const named = childNode(node, key);
        if (named !== undefined && (named.type === 'Identifier' || named.type === 'PrivateIdentifier')) {
          tokens.push(`.${String(named.name)}`);
          continue;
        }
      }
      if (Array.isArray(value)) {
        tokens.push('[');
        for (const item of value) if (isNode(item)) visit(item);
        tokens.push(']');
      } else if (isNode(value)) {
        visit(value);
      }
    }
  };
  for (const part of parts) {
    tokens.push('|');
    if (part !== undefined) visit(part);
  }
  if (nodeCount < minNodes) return undefined;
  return createHash('sha1').update(tokens.join(' ')).digest('base64url').slice(0, 22);
}
