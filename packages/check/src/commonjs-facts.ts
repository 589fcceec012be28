import { type AstNode, childNode, childNodes, identifierName, unwrapExpression } from './ast-node.js';
import { type ExportFact, type ImportFact, MODULE_EXPORTS } from './facts.js';
import type { LineIndex } from './line-index.js';
import { type ParseOutput, parseSource } from './parse-source.js';

/** A top-level statement that may import or export through CommonJS; the others are never re-parsed. */
const COMMONJS_HINT = /\brequire\s*\(|\bexports\b/;

/** What CommonJS statements add to a file's facts. */
export interface CommonJsFacts {
  readonly imports: ImportFact[];
  readonly exports: ExportFact[];
  /** True when the file imports or exports through CommonJS. */
  readonly found: boolean;
}

/** Called for `exports.name = function () {}` / `= class {}`: the value is a declaration under that name. */
export type DeclareValue = (node: AstNode, name: string, at: number) => void;

/**
 * Reads `require` and `module.exports` at the top level of a file, as the ESM facts read `import` and `export`:
 * `const x = require('m')` (the module's `module.exports`, else its namespace), `const { a, b: c } = require('m')`,
 * `const x = require('m').y`, `module.exports = X`, `module.exports = { a, b: c, d() {} }`,
 * `module.exports = require('m')`, `exports.x = …` and `module.exports.x = …`.
 *
 * The blanked text the facts are parsed from has empty object literals and call arguments, so the statements that
 * mention `require` or `exports` are parsed again from the source, all at once, in a text of the same length where
 * every other statement is blanked (so offsets stay valid).
 */
export function commonJsFacts(
  fileName: string,
  source: string,
  statements: readonly AstNode[],
  lines: LineIndex,
  declare: DeclareValue,
  rawTransfer: boolean,
): CommonJsFacts {
  const chosen = statements.filter(
    (statement) =>
      (statement.type === 'VariableDeclaration' || statement.type === 'ExpressionStatement') &&
      COMMONJS_HINT.test(source.slice(statement.start, statement.end)),
  );
  const facts: CommonJsFacts = { imports: [], exports: [], found: false };
  if (chosen.length === 0) return facts;
  const reader = new CommonJsReader(lines, declare, facts);
  // `exports.x = function () {…}` reads the same in the blanked text (its body blanked, as it should be); only a
  // `require(…)` call or an object literal needs the source.
  const needsSource = chosen.filter((statement) => NEEDS_SOURCE.test(source.slice(statement.start, statement.end)));
  for (const statement of chosen) if (!needsSource.includes(statement)) reader.statement(statement);
  // Of those, only the ones whose shape can yield a fact are parsed again: not an IIFE bundle that merely mentions
  // `require`, whose whole text would be parsed a second time for nothing.
  const again = needsSource.filter(mayYieldFacts);
  if (again.length === 0) return facts;
  const parts: string[] = [];
  let at = 0;
  for (const statement of again) {
    // The gap keeps its length; one line break in it keeps statements apart for automatic semicolons.
    const gap = statement.start - at;
    if (gap > 0)
      parts.push(source.slice(at, statement.start).includes('\n') ? `${' '.repeat(gap - 1)}\n` : ' '.repeat(gap));
    parts.push(source.slice(statement.start, statement.end));
    at = statement.end;
  }
  const text = parts.join('');
  const result: ParseOutput = parseSource(fileName, text, { preserveParens: false, astType: 'js' }, rawTransfer);
  for (const statement of childNodes(result.program as unknown as AstNode, 'body')) reader.statement(statement);
  return facts;
}

/** What the blanked text loses: the arguments of a top-level call, and object literals. */
const NEEDS_SOURCE = /\brequire\s*\(|=\s*\{/;

/**
 * True when a statement has the shape {@link CommonJsReader} reads facts from: a declaration initialised with
 * `require(…)` or `require(…).name`, or an assignment to an export target. Blanking empties only blocks and call
 * arguments, so a statement of the blanked text has the same shape as in the source, and one without it yields
 * nothing however it is parsed.
 */
function mayYieldFacts(statement: AstNode): boolean {
  if (statement.type === 'VariableDeclaration') {
    return childNodes(statement, 'declarations').some((declarator) => {
      const init = unwrapExpression(childNode(declarator, 'init'));
      if (init?.type === 'MemberExpression' && init.computed !== true) {
        return isRequireCall(unwrapExpression(childNode(init, 'object')));
      }
      return isRequireCall(init);
    });
  }
  const expression = unwrapExpression(childNode(statement, 'expression'));
  return (
    expression?.type === 'AssignmentExpression' &&
    expression.operator === '=' &&
    exportTarget(childNode(expression, 'left')) !== undefined
  );
}

/** A call of `require`, whatever its arguments. */
function isRequireCall(node: AstNode | undefined): boolean {
  return node?.type === 'CallExpression' && identifierName(childNode(node, 'callee')) === 'require';
}

class CommonJsReader {
  readonly #lines: LineIndex;
  readonly #declare: DeclareValue;
  readonly #facts: { imports: ImportFact[]; exports: ExportFact[]; found: boolean };

  constructor(lines: LineIndex, declare: DeclareValue, facts: CommonJsFacts) {
    this.#lines = lines;
    this.#declare = declare;
    this.#facts = facts as { imports: ImportFact[]; exports: ExportFact[]; found: boolean };
  }

  statement(statement: AstNode): void {
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of childNodes(statement, 'declarations')) this.#declarator(declarator);
      return;
    }
    const expression = unwrapExpression(childNode(statement, 'expression'));
    if (expression?.type !== 'AssignmentExpression' || expression.operator !== '=') return;
    const target = exportTarget(childNode(expression, 'left'));
    const value = unwrapExpression(childNode(expression, 'right'));
    if (target === undefined || value === undefined) return;
    if (target === MODULE_EXPORTS) this.#moduleExports(value);
    else this.#namedExport(target, value, expression.start);
  }

  /** `const x = require('m')`, `const { a, b: c } = require('m')`, `const x = require('m').y`. */
  #declarator(declarator: AstNode): void {
    const id = childNode(declarator, 'id');
    const init = unwrapExpression(childNode(declarator, 'init'));
    if (id === undefined || init === undefined) return;
    const whole = requiredSpecifier(init);
    const member = whole === undefined ? requiredMember(init) : undefined;
    const local = identifierName(id);
    if (whole !== undefined && local !== undefined) this.#import(local, '*', whole, id.start, true);
    else if (member !== undefined && local !== undefined) this.#import(local, member.name, member.source, id.start);
    else if (whole !== undefined && id.type === 'ObjectPattern') {
      for (const property of childNodes(id, 'properties')) {
        const key = propertyKey(property);
        const name = identifierName(unwrapPattern(childNode(property, 'value')));
        if (key !== undefined && name !== undefined) this.#import(name, key, whole, property.start);
      }
    }
  }

  /** `module.exports = …`. */
  #moduleExports(value: AstNode): void {
    const source = requiredSpecifier(value);
    if (source !== undefined) {
      this.#export({ form: 'star', exported: '*', source }, value.start);
      this.#export({ form: 'reexport', exported: MODULE_EXPORTS, imported: MODULE_EXPORTS, source }, value.start);
      return;
    }
    if (value.type === 'ObjectExpression') {
      for (const property of childNodes(value, 'properties')) {
        const key = propertyKey(property);
        const propertyValue = unwrapExpression(childNode(property, 'value'));
        if (key !== undefined && propertyValue !== undefined) this.#namedExport(key, propertyValue, property.start);
      }
      return;
    }
    const name = identifierName(value) ?? identifierName(childNode(value, 'id'));
    if (name === undefined) return;
    if (value.type !== 'Identifier') this.#declare(value, name, value.start);
    this.#export({ form: 'local', exported: MODULE_EXPORTS, local: name }, value.start);
    this.#export({ form: 'local', exported: 'default', local: name }, value.start);
  }

  /** `exports.name = …`, `module.exports.name = …`, or a property of `module.exports = { … }`. */
  #namedExport(name: string, value: AstNode, at: number): void {
    const local = identifierName(value);
    const whole = requiredSpecifier(value);
    const member = requiredMember(value);
    if (local !== undefined) this.#export({ form: 'local', exported: name, local }, at);
    else if (whole !== undefined) this.#export({ form: 'reexport', exported: name, imported: '*', source: whole }, at);
    else if (member !== undefined) {
      this.#export({ form: 'reexport', exported: name, imported: member.name, source: member.source }, at);
    } else if (/^(?:FunctionExpression|ArrowFunctionExpression|ClassExpression)$/.test(value.type)) {
      this.#declare(value, name, at);
      this.#export({ form: 'local', exported: name, local: name }, at);
    }
  }

  #import(local: string, imported: string, source: string, at: number, whole = false): void {
    this.#facts.found = true;
    this.#facts.imports.push({
      local,
      imported,
      source,
      typeOnly: false,
      ...(whole ? { require: true } : {}),
      ...this.#lines.position(at),
    });
  }

  #export(fact: Omit<ExportFact, 'line' | 'column' | 'deprecated'>, at: number): void {
    this.#facts.found = true;
    this.#facts.exports.push({ ...fact, deprecated: false, ...this.#lines.position(at) });
  }
}

/** `module.exports` → {@link MODULE_EXPORTS}; `exports.x` / `module.exports.x` → `x`; anything else undefined. */
function exportTarget(node: AstNode | undefined): string | undefined {
  if (node?.type !== 'MemberExpression' || node.computed === true) return undefined;
  const object = childNode(node, 'object');
  const property = identifierName(childNode(node, 'property'));
  if (property === undefined) return undefined;
  if (identifierName(object) === 'module' && property === 'exports') return MODULE_EXPORTS;
  if (identifierName(object) === 'exports') return property;
  return exportTarget(object) === MODULE_EXPORTS ? property : undefined;
}

/** The specifier of `require('m')`, or undefined. */
function requiredSpecifier(node: AstNode | undefined): string | undefined {
  if (node?.type !== 'CallExpression' || identifierName(childNode(node, 'callee')) !== 'require') return undefined;
  const [argument, ...rest] = childNodes(node, 'arguments');
  return rest.length === 0 && argument?.type === 'Literal' && typeof argument.value === 'string'
    ? argument.value
    : undefined;
}

/** `require('m').name` → the specifier and the name. */
function requiredMember(node: AstNode): { source: string; name: string } | undefined {
  if (node.type !== 'MemberExpression' || node.computed === true) return undefined;
  const source = requiredSpecifier(unwrapExpression(childNode(node, 'object')));
  const name = identifierName(childNode(node, 'property'));
  return source === undefined || name === undefined ? undefined : { source, name };
}

/** The name of a non-computed object property (`a`, `'a'`), or undefined. */
function propertyKey(property: AstNode): string | undefined {
  if (property.type !== 'Property' || property.computed === true) return undefined;
  const key = childNode(property, 'key');
  if (key?.type === 'Literal' && typeof key.value === 'string') return key.value;
  return identifierName(key);
}

/** The binding of a destructuring target, without its default (`{ a = 1 }`). */
function unwrapPattern(node: AstNode | undefined): AstNode | undefined {
  return node?.type === 'AssignmentPattern' ? childNode(node, 'left') : node;
}
