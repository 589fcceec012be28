import type { Node } from 'web-tree-sitter';
import type { DeclarationFact, FactoryOnlyFact, NameRef, Position, ShapeSource } from '../facts.js';

/** What reading a class needs from the file around it. */
export interface ClassContext {
  /** Where the statement starts in the source, decorators included; and whether it has decorators. */
  readonly decorated: boolean;
  /** The text after a `# @factoryOnly` marker on the class, if it has one. */
  readonly factoryOnlyMarker: string | undefined;
  readonly position: Position;
  readonly shapeSource: ShapeSource;
  /** A sketch of the body, read from the source; absent when the body has fewer than two members. */
  readonly sketch: (memberCount: number) => string | undefined;
}

/**
 * The fact of one Python class. Its base is the first positional one when it is a name or `module.Name`; it adds
 * nothing when it has one base, no keywords (`metaclass=`), no decorators, and a body of only `pass`, `...`, a
 * docstring, or an `__init__` that passes its parameters, unchanged and in order, to `super().__init__`.
 */
export function pythonClassFact(node: Node, name: string, context: ClassContext): DeclarationFact {
  const bases = node.childForFieldName('superclasses')?.namedChildren.filter((base) => base !== null) ?? [];
  const positional = bases.filter((base) => base.type !== 'keyword_argument' && base.type !== 'comment');
  const base = positional[0] === undefined ? undefined : nameRef(positional[0]);
  // Comments are cut before parsing, but count them out all the same (the whole source is parsed after an error).
  const body = node.childForFieldName('body');
  const first = body?.namedChild(0) ?? null;
  const docstring = first !== null && isDocstring(first);
  const sketch = context.sketch((body?.namedChildCount ?? 0) - (docstring ? 1 : 0));
  const addsNothing =
    base !== undefined &&
    bases.length === 1 &&
    !context.decorated &&
    (body?.namedChildren ?? []).every(
      (member) => member === null || member.type === 'comment' || isEmptyStatement(member) || isPassThroughInit(member),
    );
  const factoryOnly = factoryOnlyFact(context.factoryOnlyMarker);
  return {
    name,
    kind: 'class',
    exported: true,
    ...context.position,
    ...(sketch === undefined ? {} : { sketch, shapeSource: context.shapeSource }),
    ...(base === undefined ? {} : { extends: base }),
    ...(addsNothing ? { addsNothing: true } : {}),
    ...(factoryOnly === undefined ? {} : { factoryOnly }),
  };
}

/** `X` or `module.X` as a name reference; anything else (a call, `a.b.C`, a subscript) has none. */
export function nameRef(node: Node): NameRef | undefined {
  if (node.type === 'identifier') return { name: node.text };
  if (node.type !== 'attribute') return undefined;
  const object = node.childForFieldName('object');
  const member = node.childForFieldName('attribute');
  if (object?.type !== 'identifier' || member === null) return undefined;
  return { name: object.text, member: member.text };
}

/** The paths after `# @factoryOnly` (relative to the declaring file) are its factory modules, like in TSDoc. */
function factoryOnlyFact(marker: string | undefined): FactoryOnlyFact | undefined {
  if (marker === undefined) return undefined;
  const allowedModules = marker
    .split(/[\s,]+/)
    .filter((word) => word.startsWith('.') || word.startsWith('/') || word.includes('/'));
  return { reason: 'tsdoc', allowedModules };
}

/** A string on its own: the docstring when it comes first. */
function isDocstring(statement: Node): boolean {
  const expression = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
  return (
    statement.namedChildCount === 1 && (expression?.type === 'string' || expression?.type === 'concatenated_string')
  );
}

/** `pass`, `...` or a string: a statement that gives a class nothing. */
function isEmptyStatement(statement: Node): boolean {
  if (statement.type === 'pass_statement') return true;
  if (statement.type !== 'expression_statement' || statement.namedChildCount !== 1) return false;
  return isDocstring(statement) || statement.namedChild(0)?.type === 'ellipsis';
}

/** `def __init__(self, a, *args, **kw): super().__init__(a, *args, **kw)`, with at most a docstring besides. */
function isPassThroughInit(statement: Node): boolean {
  if (statement.type !== 'function_definition' || statement.childForFieldName('name')?.text !== '__init__') {
    return false;
  }
  const body = (statement.childForFieldName('body')?.namedChildren ?? []).filter(
    (child): child is Node => child !== null && child.type !== 'comment' && !isDocstring(child),
  );
  const call = body.length === 1 && body[0]?.type === 'expression_statement' ? body[0].namedChild(0) : null;
  if (call?.type !== 'call') return false;
  const callee = call.childForFieldName('function');
  const superCall = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
  if (
    callee?.childForFieldName('attribute')?.text !== '__init__' ||
    superCall?.type !== 'call' ||
    superCall.childForFieldName('function')?.text !== 'super' ||
    (superCall.childForFieldName('arguments')?.namedChildCount ?? 0) !== 0
  ) {
    return false;
  }
  const [self, ...params] = (statement.childForFieldName('parameters')?.namedChildren ?? []).map(parameterText);
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).map(argumentText);
  return (
    self !== undefined &&
    params.length === args.length &&
    params.every((param, i) => param !== undefined && param === args[i])
  );
}

/** `a`, `*a` or `**a` for a plain, typed or splat parameter; undefined for one with a default (it changes the call). */
function parameterText(parameter: Node | null): string | undefined {
  if (parameter === null) return undefined;
  const name =
    parameter.type === 'identifier' ? parameter : parameter.namedChildren.find((c) => c?.type === 'identifier');
  if (name === undefined || name === null) return undefined;
  if (parameter.type === 'identifier' || parameter.type === 'typed_parameter') {
    const inner = parameter.namedChild(0);
    if (inner?.type === 'list_splat_pattern') return `*${inner.namedChild(0)?.text}`;
    if (inner?.type === 'dictionary_splat_pattern') return `**${inner.namedChild(0)?.text}`;
    return name.text;
  }
  if (parameter.type === 'list_splat_pattern') return `*${name.text}`;
  if (parameter.type === 'dictionary_splat_pattern') return `**${name.text}`;
  return undefined;
}

/** `a`, `*a` or `**a` for a plain or splat argument; undefined for anything else. */
function argumentText(argument: Node | null): string | undefined {
  if (argument?.type === 'identifier') return argument.text;
  const inner = argument?.namedChild(0);
  if (inner?.type !== 'identifier') return undefined;
  if (argument?.type === 'list_splat') return `*${inner.text}`;
  if (argument?.type === 'dictionary_splat') return `**${inner.text}`;
  return undefined;
}
