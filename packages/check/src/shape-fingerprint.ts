import { visitorKeys } from 'oxc-parser';
import { type AstNode, childNode, childNodes, isNode } from './ast-node.js';
import { shortHash } from './short-hash.js';
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
  /** Length of `tokens.join(' ')` so far: where the next token will start in it. */
  let chars = 0;
  const push = (token: string): number => {
    const at = tokens.length === 0 ? 0 : chars + 1;
    chars = at + token.length;
    tokens.push(token);
    return at;
  };
  /** The names the shape binds itself: its parameters, and every parameter, variable, function and class inside. */
  const bound = new Set<string>();
  const bind = bindingCollector(bound);
  /** Renamed names in token order: where each is in the joined tokens, its token and the name. */
  const renamed: { at: number; token: string; name: string }[] = [];
  /** Literals in token order: where each is in the joined tokens, its value as written and its kind. */
  const literals: { at: number; token: string; kind: string }[] = [];
  let nodeCount = 0;
  let statements = 0;
  const visit = (node: AstNode): void => {
    const type = node.type;
    const traits = typeTraits(type, node);
    nodeCount++;
    if (traits.statement) statements++;
    if (traits.binds) bind.bindingsOf(node);
    push(type);
    if (type === 'Identifier' || type === 'PrivateIdentifier') {
      const name = String(node.name);
      let index = names.get(name);
      if (index === undefined) {
        index = names.size;
        names.set(name, index);
      }
      const token = `$${index}`;
      renamed.push({ at: push(token), token, name });
      bind.within(node); // a parameter's decorators and type are not tokens, but may bind names (it binds none)
      return;
    }
    if (type === 'Literal') {
      const kind = node.regex !== undefined ? 'R' : typeof node.value === 'string' ? 'S' : typeof node.value;
      const token = typeof node.raw === 'string' ? node.raw : String(node.value);
      const at = push(token);
      // true, false and null are not constants one copy would change: they stay in the blind hash.
      if (kind !== 'boolean' && node.value !== null) literals.push({ at, token, kind });
      return;
    }
    if (type === 'TemplateElement') {
      const value = node.value as { cooked?: unknown } | undefined;
      const token = String(value?.cooked);
      literals.push({ at: push(token), token, kind: 'T' });
      return;
    }
    // Indexed loops here and below: this runs for every node of every compared declaration, and array iterators
    // allocate until the optimising compiler takes over, which a one-shot check mostly does not wait for.
    const { fields } = traits;
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f] as string;
      const value = node[field];
      if (typeof value === 'string' || value === true) push(`${field}=${String(value)}`);
    }
    // The child that is a member name as written (`a.b`'s `b`, `{ b: 1 }`'s `b`) when not computed.
    const memberKey = traits.memberKey !== undefined && node.computed === false ? traits.memberKey : undefined;
    const { keys } = traits;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k] as string;
      const value = node[key];
      if (key === memberKey) {
        const named = childNode(node, key);
        if (named !== undefined && (named.type === 'Identifier' || named.type === 'PrivateIdentifier')) {
          push(`.${String(named.name)}`);
          bind.within(named);
          continue;
        }
      }
      if (Array.isArray(value)) {
        push('[');
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (isNode(item)) visit(item);
        }
        push(']');
      } else if (isNode(value)) {
        visit(value);
      }
    }
  };
  for (const part of parts) {
    push('|');
    if (part === undefined) continue;
    if (part.type !== 'BlockStatement' && part.type !== 'ClassBody') bind.pattern(part); // a parameter
    visit(part);
  }
  const exactText = tokens.join(' ');
  const free = renamed.filter((entry) => !bound.has(entry.name));
  const localText = replaceTokens(
    exactText,
    free.map(({ at, token, name }) => ({ at, length: token.length, by: `=${name}` })),
  );
  const blindText = replaceTokens(
    exactText,
    literals.map(({ at, token, kind }) => ({ at, length: token.length, by: kind })),
  );
  return {
    nodes: nodeCount,
    statements,
    exact: shortHash(exactText),
    blind: shortHash(blindText),
    local: shortHash(localText),
    free: [...new Set(free.map((entry) => entry.name))].sort(),
  };
}

/** `text` with each token `[at, at + length)` replaced by `by`; the edits are in ascending order. */
function replaceTokens(text: string, edits: readonly { at: number; length: number; by: string }[]): string {
  let result = '';
  let from = 0;
  for (const { at, length, by } of edits) {
    result += text.slice(from, at) + by;
    from = at + length;
  }
  return result + text.slice(from);
}

/** Node types whose `params` and `id` bind names. */
const FUNCTION_OR_CLASS: ReadonlySet<string> = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ClassDeclaration',
  'ClassExpression',
]);

/** Node types {@link bindingCollector}'s `bindingsOf` reads names from. */
const BINDING_TYPES: ReadonlySet<string> = new Set([...FUNCTION_OR_CLASS, 'VariableDeclarator', 'CatchClause']);

/**
 * Collects into `bound` the names bound by declarations: `bindingsOf` reads what one node binds (a function's or
 * class's name and parameters, a variable, a caught error), `pattern` the names of one binding pattern, and
 * `within` what a subtree the tokens leave out binds.
 */
function bindingCollector(bound: Set<string>): {
  bindingsOf(node: AstNode): void;
  pattern(node: AstNode | undefined): void;
  within(node: AstNode): void;
} {
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
  const bindingsOf = (node: AstNode): void => {
    if (FUNCTION_OR_CLASS.has(node.type)) {
      pattern(childNode(node, 'id'));
      for (const param of childNodes(node, 'params')) pattern(param);
    } else if (node.type === 'VariableDeclarator') pattern(childNode(node, 'id'));
    else if (node.type === 'CatchClause') pattern(childNode(node, 'param'));
  };
  const collect = (node: AstNode): boolean => {
    bindingsOf(node);
    return true;
  };
  return { bindingsOf, pattern, within: (node) => walkNodes(node, collect) };
}

/** Statements as the shape counts them: every statement and declaration but a block (`{ … }` is not one). */
const STATEMENT = /^(?!BlockStatement$).*Statement$|^VariableDeclaration$|^FunctionDeclaration$|^ClassDeclaration$/;

/** What the fingerprint needs to know of a node type, worked out once per type. */
interface TypeTraits {
  /** Its child keys, in source order. */
  readonly keys: readonly string[];
  /** The {@link MEANINGFUL_FIELDS} its nodes have. */
  readonly fields: readonly string[];
  readonly statement: boolean;
  /** Whether its nodes may bind names (see `bindingCollector`). */
  readonly binds: boolean;
  /** The child key that holds a member name when the node is not computed (`key` or `property`), if any. */
  readonly memberKey: string | undefined;
}

const TYPE_TRAITS = new Map<string, TypeTraits>();

/**
 * Meaningful fields a node type has in oxc's TypeScript layout but not in its JavaScript one (`optional` on
 * patterns and properties, `accessibility` on class members): always looked up, whichever layout came first.
 */
const LAYOUT_DEPENDENT_FIELDS: ReadonlySet<string> = new Set(['optional', 'accessibility']);

/**
 * The {@link TypeTraits} of `type`, read from `node`, its first node seen: oxc gives every node of a type the same
 * fields in one layout (see {@link LAYOUT_DEPENDENT_FIELDS} for the two). Once per type instead of once per node:
 * looking up eight mostly absent fields and `computed` on every node, across node types of as many layouts, cost
 * about a seventh of computing the exact shapes of the benchmark corpus.
 */
function typeTraits(type: string, node: AstNode): TypeTraits {
  let traits = TYPE_TRAITS.get(type);
  if (traits === undefined) {
    traits = {
      keys: visitorKeys[type] ?? [],
      fields: MEANINGFUL_FIELDS.filter((field) => field in node || LAYOUT_DEPENDENT_FIELDS.has(field)),
      statement: STATEMENT.test(type),
      binds: BINDING_TYPES.has(type),
      memberKey: KEYED_MEMBERS.has(type) ? 'key' : 'computed' in node ? 'property' : undefined,
    };
    TYPE_TRAITS.set(type, traits);
  }
  return traits;
}

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
