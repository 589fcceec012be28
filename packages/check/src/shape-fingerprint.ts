import { createHash } from 'node:crypto';
import { visitorKeys } from 'oxc-parser';
import { type AstNode, childNode, childNodes, isNode } from './ast-node.js';
import { walkNodes } from './walk-nodes.js';

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
 * type-1 clone after renaming); equal `blind` hashes: the same code under other names and constants (type-2);
 * equal `local` hashes: the same code with only its own bindings renamed (parameters, locals), every name it uses
 * from outside kept, so `date() { return make(ZodDate) }` and `date() { return make(ZodMiniDate) }` differ.
 *
 * @param parts - the nodes that make up the shape (e.g. params and body), in order
 */
export function shapeFingerprint(parts: readonly (AstNode | undefined)[]): Shape {
  const names = new Map<string, number>();
  const tokens: string[] = [];
  const bound = boundNames(parts);
  /** Where `tokens` holds a renamed name that is not bound inside the shape, and that name. */
  const free = new Map<number, string>();
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
      if (!bound.has(name)) free.set(tokens.length, name);
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
  const hash = (list: readonly string[]): string =>
    createHash('sha1').update(list.join(' ')).digest('base64url').slice(0, 22);
  const exact = hash(tokens);
  const local = hash(tokens.map((token, at) => (free.has(at) ? `=${free.get(at)}` : token)));
  for (const [at, kind] of literals) tokens[at] = kind;
  return { nodes: nodeCount, statements, exact, blind: hash(tokens), local, free: [...new Set(free.values())].sort() };
}

/** Node types whose `params` and `id` bind names. */
const FUNCTION_OR_CLASS =
  /^(?:FunctionDeclaration|FunctionExpression|ArrowFunctionExpression|ClassDeclaration|ClassExpression)$/;

/** The names the shape binds itself: its parameters, and every parameter, variable, function and class inside. */
function boundNames(parts: readonly (AstNode | undefined)[]): Set<string> {
  const bound = new Set<string>();
  const pattern = (node: AstNode | undefined): void => {
    if (node === undefined) return;
    switch (node.type) {
      case 'Identifier':
        bound.add(String(node.name));
        return;
      case 'ObjectPattern':
        for (const property of childNodes(node, 'properties')) {
          pattern(property.type === 'RestElement' ? property : childNode(property, 'value'));
        }
        return;
      case 'ArrayPattern':
        for (const element of childNodes(node, 'elements')) pattern(element);
        return;
      case 'AssignmentPattern':
        pattern(childNode(node, 'left'));
        return;
      case 'RestElement':
        pattern(childNode(node, 'argument'));
        return;
      case 'TSParameterProperty':
        pattern(childNode(node, 'parameter'));
        return;
    }
  };
  for (const part of parts) {
    if (part === undefined) continue;
    if (part.type !== 'BlockStatement' && part.type !== 'ClassBody') pattern(part); // a parameter
    walkNodes(part, (node) => {
      if (FUNCTION_OR_CLASS.test(node.type)) {
        pattern(childNode(node, 'id'));
        for (const param of childNodes(node, 'params')) pattern(param);
      } else if (node.type === 'VariableDeclarator') pattern(childNode(node, 'id'));
      else if (node.type === 'CatchClause') pattern(childNode(node, 'param'));
      return true;
    });
  }
  return bound;
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
  /** Hash of the tree with only the names bound inside renamed: names from outside are kept, literals too. */
  readonly local: string;
  /** The names used from outside (not bound inside), sorted: what `local` keeps, to resolve in their module. */
  readonly free: readonly string[];
}
