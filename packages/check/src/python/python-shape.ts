import { createHash } from 'node:crypto';
import type { Shape } from '../shape-fingerprint.js';
import type { SyntaxNode } from './python-syntax.js';

/** Literal leaves and the kind each becomes in the blind hash. */
const LITERAL_KINDS: Readonly<Record<string, string>> = {
  string: 'S',
  concatenated_string: 'S',
  integer: 'number',
  float: 'number',
};

/** Statements as the shape counts them: every `…_statement`, and nested functions and classes. */
const STATEMENT = /_statement$|^function_definition$|^class_definition$/;

/**
 * The shape of Python code (see `shapeFingerprint`, whose contract this follows): its syntax tree with every name
 * renamed by order of first use, while attribute names (`x.name`), keyword argument names (`f(name=…)`) and the
 * names of a class's own members are kept; `exact` keeps literals, `blind` only their kind, `local` renames only
 * the names bound inside and keeps every name used from outside.
 *
 * @param parts - the nodes that make up the shape (a function's parameters and body, a class's body), in order
 * @param classBody - the last part is a class's body: the names of its members are kept
 */
export function pythonShape(parts: readonly (SyntaxNode | undefined)[], classBody = false): Shape {
  const bound = boundNames(parts);
  const names = new Map<string, number>();
  const tokens: string[] = [];
  const free = new Map<number, string>();
  const literals = new Map<number, string>();
  let nodes = 0;
  let statements = 0;
  /** @param role - how the parent sees this node: a class body, one of its members, or a name kept as written */
  const visit = (node: SyntaxNode, role: Role): void => {
    if (node.named) nodes++;
    if (STATEMENT.test(node.type)) statements++;
    tokens.push(node.type);
    if (node.type === 'identifier') {
      if (role === 'kept' || node.field === 'attribute') {
        tokens.push(`.${node.text}`);
        return;
      }
      let index = names.get(node.text);
      if (index === undefined) {
        index = names.size;
        names.set(node.text, index);
      }
      if (!bound.has(node.text)) free.set(tokens.length, node.text);
      tokens.push(`$${index}`);
      return;
    }
    const kind = LITERAL_KINDS[node.type];
    if (kind !== undefined) {
      literals.set(tokens.length, kind);
      tokens.push(node.text);
      return;
    }
    tokens.push('[');
    const children = role === 'body' || role === 'class-body' ? withoutDocstring(node.children) : node.children;
    for (const child of children) visit(child, childRole(node, role, child));
    tokens.push(']');
  };
  parts.forEach((part, index) => {
    tokens.push('|');
    const last = index === parts.length - 1;
    if (part !== undefined) visit(part, last ? (classBody ? 'class-body' : 'body') : 'plain');
  });
  const hash = (list: readonly string[]): string =>
    createHash('sha1').update(list.join(' ')).digest('base64url').slice(0, 22);
  const exact = hash(tokens);
  const local = hash(tokens.map((token, at) => (free.has(at) ? `=${free.get(at)}` : token)));
  for (const [at, kind] of literals) tokens[at] = kind;
  return { nodes, statements, exact, blind: hash(tokens), local, free: [...new Set(free.values())].sort() };
}

/** How a node is seen by its parent (see {@link childRole}). */
type Role =
  /** Any node. */
  | 'plain'
  /** The body of a function: its docstring is documentation, not code. */
  | 'body'
  /** The body of a class: its statements are members. */
  | 'class-body'
  /** A statement of a class body (or the assignment or definition inside one): the name it binds is a member's. */
  | 'member'
  /** A name kept as written: a member's, or a keyword argument's (`f(timeout=…)`), like a property name. */
  | 'kept';

function childRole(parent: SyntaxNode, role: Role, child: SyntaxNode): Role {
  if (role === 'class-body') return 'member';
  if (parent.type === 'class_definition' && child.field === 'body') return 'class-body';
  if (parent.type === 'function_definition' && child.field === 'body') return 'body';
  if (parent.type === 'keyword_argument' && child.field === 'name') return 'kept';
  if (role !== 'member') return 'plain';
  if (parent.type === 'expression_statement' || parent.type === 'decorated_definition') return 'member';
  const binds = parent.type === 'assignment' ? 'left' : 'name';
  return child.field === binds && child.type === 'identifier' ? 'kept' : 'plain';
}

/** Parameter node types whose first identifier (or `name` field) is the parameter's name. */
const PARAMETER_TYPES =
  /^(?:typed_parameter|default_parameter|typed_default_parameter|list_splat_pattern|dictionary_splat_pattern)$/;

/** Nodes whose identifiers are bound names wherever they sit (except under an attribute or a subscript). */
const BINDING_TARGETS: ReadonlySet<string> = new Set(['as_pattern_target']);

/** Fields that hold binding targets, by node type. */
const TARGET_FIELDS: Readonly<Record<string, string>> = {
  assignment: 'left',
  augmented_assignment: 'left',
  for_statement: 'left',
  for_in_clause: 'left',
  named_expression: 'name',
  function_definition: 'name',
  class_definition: 'name',
};

/** The names the shape binds itself: parameters, assignment and loop targets, `as` names, nested definitions. */
function boundNames(parts: readonly (SyntaxNode | undefined)[]): Set<string> {
  const bound = new Set<string>();
  const targets = (node: SyntaxNode): void => {
    if (node.type === 'identifier') bound.add(node.text);
    else if (node.type !== 'attribute' && node.type !== 'subscript') for (const child of node.children) targets(child);
  };
  const walk = (node: SyntaxNode): void => {
    if (node.type === 'parameters' || node.type === 'lambda_parameters') {
      for (const parameter of node.children) {
        if (parameter.type === 'identifier') bound.add(parameter.text);
        else if (PARAMETER_TYPES.test(parameter.type)) {
          const name =
            parameter.children.find((child) => child.field === 'name') ??
            parameter.children.find((child) => child.type === 'identifier');
          if (name !== undefined) bound.add(name.text);
        }
      }
    }
    if (BINDING_TARGETS.has(node.type)) targets(node);
    const field = TARGET_FIELDS[node.type];
    if (field !== undefined) for (const child of node.children) if (child.field === field) targets(child);
    if (node.type === 'aliased_import') {
      const alias = node.children.find((child) => child.field === 'alias');
      if (alias !== undefined) bound.add(alias.text);
    }
    for (const child of node.children) walk(child);
  };
  for (const part of parts) if (part !== undefined) walk(part);
  return bound;
}

/** A body's statements without its leading docstring (a string on its own), which two copies may word apart. */
function withoutDocstring(statements: readonly SyntaxNode[]): readonly SyntaxNode[] {
  const [first, ...rest] = statements;
  const only = first?.type === 'expression_statement' ? first.children : [];
  const docstring = only.length === 1 && (only[0]?.type === 'string' || only[0]?.type === 'concatenated_string');
  return docstring ? rest : statements;
}
