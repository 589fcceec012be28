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
 * member names and property accesses are kept; `exact` keeps literals too, `blind` only their kind (a string, a
 * number, a regular expression, a template's text). Equal `exact` hashes: the same code under other names (a
 * type-1 clone after renaming); equal `blind` hashes: the same code under other names and constants (type-2).
 *
 * @param parts - the nodes that make up the shape (e.g. params and body), in order
 */
export function shapeFingerprint(parts: readonly (AstNode | undefined)[]): Shape {
  const names = new Map<string, number>();
  const tokens: string[] = [];
  /** Where `tokens` holds a literal's value, and that literal's kind for the blind hash. */
  const literals = new Map<number, string>();
  let nodeCount = 0;
  let statements = 0;
  const visit = (node: AstNode): void => {
    nodeCount++;
    if (STATEMENT.test(node.type)) statements++;
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
      const kind = node.regex !== undefined ? 'R' : typeof node.value === 'string' ? 'S' : typeof node.value;
      // true, false and null are not constants one copy would change: they stay in the blind hash.
      if (kind !== 'boolean' && node.value !== null) literals.set(tokens.length, kind);
      tokens.push(typeof node.raw === 'string' ? node.raw : String(node.value));
      return;
    }
    if (node.type === 'TemplateElement') {
      const value = node.value as { cooked?: unknown } | undefined;
      literals.set(tokens.length, 'T');
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
  const exact = createHash('sha1').update(tokens.join(' ')).digest('base64url').slice(0, 22);
  for (const [at, kind] of literals) tokens[at] = kind;
  const blind = createHash('sha1').update(tokens.join(' ')).digest('base64url').slice(0, 22);
  return { nodes: nodeCount, statements, exact, blind };
}

/** Statements as the shape counts them: every statement and declaration but a block (`{ … }` is not one). */
const STATEMENT = /^(?!BlockStatement$).*Statement$|^VariableDeclaration$|^FunctionDeclaration$|^ClassDeclaration$/;

/** The shape of a function or class (see {@link shapeFingerprint}). Plain data: it crosses threads and is cached. */
export interface Shape {
  /** Syntax nodes in the parameters and body. */
  readonly nodes: number;
  /** Statements in the body, nested ones included. */
  readonly statements: number;
  /** Hash of the tree with identifiers renamed by first use, literals kept. */
  readonly exact: string;
  /** Hash of the same tree with each literal reduced to its kind. */
  readonly blind: string;
}
