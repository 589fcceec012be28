import { type AstNode, childNode, childNodes, identifierName, unwrapExpression } from './ast-node.js';
import { blankBlocks, type Skeleton, type TextNewSite } from './blank-blocks.js';
import { commonJsFacts } from './commonjs-facts.js';
import { DocComments } from './doc-comments.js';
import type {
  AliasFact,
  DeclarationFact,
  ExportFact,
  FactoryOnlyFact,
  FileFacts,
  ImportFact,
  NameRef,
  NewSiteFact,
  ShapeSource,
} from './facts.js';
import { GENERATED_HEADER } from './generated-header.js';
import { LineIndex } from './line-index.js';
import { type ParseOutput, parseSource, RAW_TRANSFER_SUPPORTED } from './parse-source.js';
import { shapeSketch } from './shape-sketch.js';
import { firstAtOrAfter } from './sorted-search.js';
import { walkNodes } from './walk-nodes.js';

/** Where `new` may be a keyword: a `new` site starts at one of these, so subtrees without one are skipped. */
const NEW_KEYWORD = /\bnew\b/g;

/** Words that start a `new` callee without being a name: `new this.Kind()` constructs no class named `this`. */
const NOT_A_BINDING: ReadonlySet<string> = new Set(['this', 'super', 'null', 'true', 'false', 'import', 'void']);

/** JSX files: the block blanking does not know JSX text, so they are parsed whole. */
const JSX_FILE = /\.[jt]sx$/;

/** `.d.ts`, `.d.mts`, `.d.cts`: declaration files, which only describe code that lives elsewhere. */
const DECLARATION_FILE = /\.d\.[cm]?ts$/;

/** The concepts a declaration file can define: types. Its classes, functions, enums and variables are all ambient. */
const DECLARATION_FILE_KINDS: ReadonlySet<string> = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration']);

/**
 * Parses one TypeScript or JavaScript file and keeps only its facts: top-level declarations with shape
 * fingerprints, aliases, imports, exports and `new` sites. The language is taken from the file name's extension.
 *
 * @param rawTransfer - parse through oxc's raw transfer; @default where the runtime supports it (the facts are the
 * same either way: tests compare the two)
 * @example
 * extractFacts('src/a.ts', 'export class A {}').declarations[0]?.name; // 'A'
 */
export function extractFacts(fileName: string, source: string, rawTransfer = RAW_TRANSFER_SUPPORTED): FileFacts {
  // The JS-shaped AST leaves out the TypeScript-only fields of JavaScript nodes (type annotations, `declare`,
  // `private`, parameter properties), so there is about a quarter less JSON to read; the few modifiers the facts need are
  // read from the source text at the node instead (see `keywordAt`, `modifiersIn`). TypeScript's own nodes
  // (interfaces, type aliases, enums) are kept whole.
  const declarationFile = DECLARATION_FILE.test(fileName);
  const options = { preserveParens: false, astType: 'js' as const };
  // The facts never look inside function bodies (shapes are sketched from the text, `new` sites found in it), so
  // the parser gets the source with those blanked: a fraction of the AST to build and transfer. Should the blanked
  // text not parse cleanly (the scan misread something, or the file has an error), the whole source is parsed, so
  // its errors are the real ones.
  let skeleton: Skeleton | undefined = JSX_FILE.test(fileName)
    ? undefined
    : blankBlocks(source, { ambient: declarationFile });
  let result = parseSource(fileName, skeleton?.text ?? source, options, rawTransfer);
  if (skeleton !== undefined && skeleton.text !== source && result.errors.length > 0) {
    result = parseSource(fileName, source, options, rawTransfer);
    skeleton = undefined;
  }
  const lines = new LineIndex(source);
  const docs = new DocComments(source, result.comments);
  const declarations: DeclarationFact[] = [];
  const aliases: AliasFact[] = [];
  const bindings: string[] = [];
  // `new` sites the scan delimited come from the text; the rest (all of them for a whole parse) from the AST.
  const astNewOffsets = skeleton?.astNewOffsets ?? Array.from(source.matchAll(NEW_KEYWORD), (match) => match.index);
  const newSites = astNewOffsets.length > 0 ? new NewSiteCollector(source, lines, astNewOffsets) : undefined;
  const textNewSites = (skeleton?.newSites ?? []).map((site) => textNewSiteFact(source, lines, site));

  const addDeclaration = (node: AstNode, exported: boolean, statementStart: number): void => {
    if (keywordAt(source, node.start, 'declare')) return; // ambient: describes a value defined elsewhere
    if (declarationFile && !DECLARATION_FILE_KINDS.has(node.type)) return; // ambient without the keyword
    const name = identifierName(childNode(node, 'id'));
    if (name === undefined) return;
    const at = lines.position(childNode(node, 'id')?.start ?? node.start);
    switch (node.type) {
      case 'ClassDeclaration':
      case 'ClassExpression':
        declarations.push(classFact(source, node, name, exported, at, docs.tag(statementStart, '@factoryOnly')));
        return;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        if (childNode(node, 'body') === undefined) return; // an overload signature
        declarations.push({ name, kind: 'function', exported, ...at, ...functionSketch(source, node) });
        return;
      case 'TSInterfaceDeclaration':
        declarations.push({ name, kind: 'interface', exported, ...at });
        return;
      case 'TSTypeAliasDeclaration': {
        const target = typeAliasTarget(childNode(node, 'typeAnnotation'), childNode(node, 'typeParameters'));
        if (target === undefined) declarations.push({ name, kind: 'type', exported, ...at });
        else aliases.push({ name, target, exported, deprecated: docs.has(statementStart, '@deprecated'), ...at });
        return;
      }
      case 'TSEnumDeclaration':
        declarations.push({ name, kind: 'enum', exported, ...at });
        return;
    }
  };

  const addVariables = (node: AstNode, exported: boolean, statementStart: number): void => {
    if (declarationFile || keywordAt(source, node.start, 'declare')) return;
    for (const declarator of childNodes(node, 'declarations')) {
      const id = childNode(declarator, 'id');
      const name = identifierName(id);
      const init = unwrapExpression(childNode(declarator, 'init'));
      if (name === undefined || id === undefined) continue;
      if (init === undefined) {
        bindings.push(name); // `let n;`
        continue;
      }
      const at = lines.position(id.start);
      if (init.type === 'ArrowFunctionExpression' || init.type === 'FunctionExpression') {
        declarations.push({ name, kind: 'function', exported, ...at, ...functionSketch(source, init) });
      } else if (init.type === 'ClassExpression') {
        declarations.push(classFact(source, init, name, exported, at, docs.tag(statementStart, '@factoryOnly')));
      } else {
        const target = node.kind === 'const' ? nameRef(init) : undefined;
        if (target !== undefined) {
          aliases.push({ name, target, exported, deprecated: docs.has(statementStart, '@deprecated'), ...at });
        } else bindings.push(name);
      }
    }
  };

  /** Names the module calls at its top level: a function among them that is not exported is an entry point. */
  const calledAtLoad = new Set<string>();
  for (const statement of childNodes(result.program as unknown as AstNode, 'body')) {
    if (statement.type === 'ExpressionStatement') {
      const called = calledName(childNode(statement, 'expression'));
      if (called !== undefined) calledAtLoad.add(called);
    } else if (statement.type === 'IfStatement') {
      // `if (import.meta.main) main();` or `if (require.main === module) { main(); }`: the block may be blanked,
      // so the names are read from the text.
      for (const match of source.slice(statement.start, statement.end).matchAll(CALL_IN_TEXT)) {
        if (match[1] !== undefined) calledAtLoad.add(match[1]);
      }
    }
    let node: AstNode | undefined = statement;
    let exported = false;
    if (statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration') {
      node = childNode(statement, 'declaration');
      exported = true;
    }
    if (node === undefined) continue;
    if (node.type === 'VariableDeclaration') addVariables(node, exported, statement.start);
    else addDeclaration(node, exported, statement.start);
  }

  const commonJs = declarationFile
    ? undefined
    : commonJsFacts(
        fileName,
        source,
        childNodes(result.program as unknown as AstNode, 'body'),
        lines,
        (node, name, at) => {
          const position = lines.position(at);
          if (node.type === 'ClassExpression') {
            declarations.push(classFact(source, node, name, true, position, docs.tag(at, '@factoryOnly')));
          } else if (childNode(node, 'body') !== undefined) {
            declarations.push({ name, kind: 'function', exported: true, ...position, ...functionSketch(source, node) });
          }
        },
        rawTransfer,
      );

  return {
    declarations: declarations.map((declaration) =>
      declaration.kind === 'function' && !declaration.exported && calledAtLoad.has(declaration.name)
        ? { ...declaration, entryPoint: true }
        : declaration,
    ),
    aliases,
    imports: [...importFacts(result.module.staticImports, lines), ...(commonJs?.imports ?? [])],
    exports: [...exportFacts(result.module.staticExports, lines, docs), ...(commonJs?.exports ?? [])],
    ...(commonJs?.found === true && result.module.staticImports.length + result.module.staticExports.length === 0
      ? { commonJs: true }
      : {}),
    newSites: [...textNewSites, ...(newSites?.finish(result.program as unknown as AstNode) ?? [])].sort(
      (a, b) => a.line - b.line || a.column - b.column,
    ),
    parseErrors: result.errors.map((error) => {
      const label = error.labels[0];
      const at = label === undefined ? { line: 1, column: 1 } : lines.position(label.start);
      return `${at.line}:${at.column} ${error.message}`;
    }),
    ...(bindings.length > 0 ? { bindings } : {}),
    ...(GENERATED_HEADER.test(leadingComments(source)) ? { generated: true } : {}),
  };
}

/** The comments (and a hashbang) a file starts with, up to its first code. */
function leadingComments(source: string): string {
  const match = /^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|#![^\n]*)*/.exec(source.slice(0, 4096));
  return match?.[0] ?? '';
}

/** A call of a plain name in text: `main(`, but not `x.main(` or `function main(`. */
const CALL_IN_TEXT = /(?<![\w$.]|function\s{1,9})([A-Za-z_$][\w$]*)\s*\(/g;

/**
 * The function a top-level expression runs: `main()`, `await main()`, `void main()`, `main().catch(…)`,
 * `main().then(…)`.
 */
function calledName(node: AstNode | undefined): string | undefined {
  const expression = unwrapExpression(node);
  if (expression === undefined) return undefined;
  if (expression.type === 'AwaitExpression' || expression.type === 'UnaryExpression') {
    return calledName(childNode(expression, 'argument'));
  }
  if (expression.type !== 'CallExpression') return undefined;
  const callee = unwrapExpression(childNode(expression, 'callee'));
  const name = identifierName(callee);
  if (name !== undefined) return name;
  if (callee?.type === 'MemberExpression') return calledName(childNode(callee, 'object'));
  return undefined;
}

/** True when the keyword `word` is written at `at`: the JS-shaped AST keeps `declare` out of its fields. */
function keywordAt(source: string, at: number, word: string): boolean {
  return source.startsWith(word, at) && !/[\w$]/.test(source.charAt(at + word.length));
}

/** TypeScript modifiers of class members and parameters, which the JS-shaped AST leaves out. */
const MODIFIER = /\b(?:private|protected|public|readonly|override)\b/g;

/** The modifiers written in `source[from, to)`, e.g. between a member's start and its name. */
function modifiersIn(source: string, from: number, to: number): string[] {
  return to > from ? (source.slice(from, to).match(MODIFIER) ?? []) : [];
}

/** A `new` site the scan delimited: its callee is a name or a chain of `.name`, as written. */
function textNewSiteFact(source: string, lines: LineIndex, site: TextNewSite): NewSiteFact {
  const parts = source
    .slice(site.calleeStart, site.calleeEnd)
    .split('.')
    .map((part) => part.trim());
  const [name, member] = parts;
  const named = name !== undefined && !NOT_A_BINDING.has(name) && parts.length <= 2;
  return newSiteFact(
    source,
    lines,
    site.at,
    site.calleeStart,
    site.calleeEnd,
    named ? { name, ...(member === undefined ? {} : { member }) } : undefined,
  );
}

/** A `new` site at offset `at` whose callee spans `[calleeStart, calleeEnd)`. */
function newSiteFact(
  source: string,
  lines: LineIndex,
  at: number,
  calleeStart: number,
  calleeEnd: number,
  callee: NameRef | undefined,
): NewSiteFact {
  const written = source.slice(calleeStart, calleeEnd).replace(/\s+/g, ' ');
  const text = written.length > 60 ? `${written.slice(0, 57)}...` : written;
  return { ...(callee === undefined ? {} : { callee }), text, ...lines.position(at) };
}

/** `X` or `ns.X` as a name reference; anything else (calls, conditionals, `this.X`) has none. */
function nameRef(node: AstNode | undefined): NameRef | undefined {
  const expression = unwrapExpression(node);
  const name = identifierName(expression);
  if (name !== undefined) return { name };
  if (expression?.type === 'MemberExpression' && expression.computed === false) {
    const object = identifierName(unwrapExpression(childNode(expression, 'object')));
    const member = identifierName(childNode(expression, 'property'));
    if (object !== undefined && member !== undefined) return { name: object, member };
  }
  return undefined;
}

/**
 * `type X = Y` and `type X = ns.Y` alias `Y`, and so do `type X<A, B> = Y<A, B>` (the parameters passed on
 * unchanged, in order); any other type is a concept of its own.
 */
function typeAliasTarget(type: AstNode | undefined, parameters: AstNode | undefined): NameRef | undefined {
  if (type?.type !== 'TSTypeReference') return undefined;
  const args = childNode(type, 'typeArguments');
  if (args !== undefined || parameters !== undefined) {
    const names = childNodes(parameters ?? type, 'params').map((param) => identifierName(childNode(param, 'name')));
    const passed = childNodes(args ?? type, 'params').map((arg) =>
      arg.type === 'TSTypeReference' && childNode(arg, 'typeArguments') === undefined
        ? identifierName(childNode(arg, 'typeName'))
        : undefined,
    );
    if (names.length !== passed.length || names.some((name, i) => name === undefined || name !== passed[i])) {
      return undefined;
    }
  }
  const typeName = childNode(type, 'typeName');
  const name = identifierName(typeName);
  if (name !== undefined) return { name };
  if (typeName?.type !== 'TSQualifiedName') return undefined;
  const object = identifierName(childNode(typeName, 'left'));
  const member = identifierName(childNode(typeName, 'right'));
  return object === undefined || member === undefined ? undefined : { name: object, member };
}

/** The sketch of a function's parameters and body, and where its text is for the exact shape. */
function functionSketch(source: string, node: AstNode): Pick<DeclarationFact, 'sketch' | 'shapeSource'> {
  const parts = [...childNodes(node, 'params'), childNode(node, 'body')];
  return {
    sketch: shapeSketch(source, parts.map(sketchRange)),
    shapeSource: shapeSourceOf(node),
  };
}

/**
 * The text of a parameter or body for the sketch. A rest parameter ends at its binding: with the JS-shaped AST, oxc
 * ends it after its type annotation when the AST comes as JSON and before it through raw transfer, and the facts
 * must not depend on that (every other parameter already ends before its annotation).
 */
function sketchRange(part: AstNode | undefined): [number, number] {
  if (part === undefined) return [0, 0];
  if (part.type === 'RestElement') return [part.start, childNode(part, 'argument')?.end ?? part.end];
  return [part.start, part.end];
}

/** Where a function's or class's text is; an arrow, function or class expression is parsed in parentheses. */
function shapeSourceOf(node: AstNode): ShapeSource {
  return { start: node.start, end: node.end, expression: node.type.endsWith('Expression') };
}

function classFact(
  source: string,
  node: AstNode,
  name: string,
  exported: boolean,
  at: { line: number; column: number },
  factoryOnlyTag: string | undefined,
): DeclarationFact {
  const members = childNodes(childNode(node, 'body') ?? node, 'body');
  const superClass = nameRef(childNode(node, 'superClass'));
  const ctor = members.find((member) => member.type === 'MethodDefinition' && member.kind === 'constructor');
  const ctorModifiers =
    ctor === undefined ? [] : modifiersIn(source, ctor.start, childNode(ctor, 'key')?.start ?? ctor.start);
  const factoryOnly = factoryOnlyFact(ctorModifiers, factoryOnlyTag);
  // One member is too little to call two classes alike.
  const body = childNode(node, 'body');
  const sketch = members.length >= 2 && body !== undefined ? shapeSketch(source, [[body.start, body.end]]) : undefined;
  return {
    name,
    kind: 'class',
    exported,
    ...at,
    ...(sketch === undefined ? {} : { sketch, shapeSource: shapeSourceOf(node) }),
    ...(superClass === undefined ? {} : { extends: superClass }),
    ...(superClass !== undefined && addsNothing(source, node, members) ? { addsNothing: true } : {}),
    ...(factoryOnly === undefined ? {} : { factoryOnly }),
  };
}

/**
 * @param ctorModifiers - the modifiers written before the constructor, if the class has one
 * @param tag - the text after a `@factoryOnly` TSDoc tag, if the class has one
 */
function factoryOnlyFact(ctorModifiers: readonly string[], tag: string | undefined): FactoryOnlyFact | undefined {
  if (tag !== undefined) {
    const allowedModules = tag
      .split(/[\s,]+/)
      .filter((word) => word.startsWith('.') || word.startsWith('/') || word.includes('/'));
    return { reason: 'tsdoc', allowedModules };
  }
  if (ctorModifiers.includes('private')) return { reason: 'private-constructor', allowedModules: [] };
  if (ctorModifiers.includes('protected')) return { reason: 'protected-constructor', allowedModules: [] };
  return undefined;
}

/**
 * A subclass adds nothing when it has no decorators and its body is empty or holds only a constructor that passes
 * its parameters, unchanged and in order, to `super`.
 */
function addsNothing(source: string, node: AstNode, members: readonly AstNode[]): boolean {
  if (childNodes(node, 'decorators').length > 0) return false;
  if (members.length === 0) return true;
  const [only] = members;
  if (members.length !== 1 || only === undefined || only.kind !== 'constructor') return false;
  const fn = childNode(only, 'value');
  const statements = childNodes(childNode(fn ?? only, 'body') ?? only, 'body');
  const call = unwrapExpression(childNode(statements[0] ?? only, 'expression'));
  if (fn === undefined || statements.length !== 1 || call?.type !== 'CallExpression') return false;
  if (childNode(call, 'callee')?.type !== 'Super') return false;
  // A parameter property (`constructor(private a: A)`) declares a field: that is something added.
  const params = childNodes(fn, 'params').map((param, i, all) => {
    if (modifiersIn(source, all[i - 1]?.end ?? fn.start, param.start).length > 0) return undefined;
    return param.type === 'RestElement' ? `...${identifierName(childNode(param, 'argument'))}` : identifierName(param);
  });
  const args = childNodes(call, 'arguments').map((arg) =>
    arg.type === 'SpreadElement' ? `...${identifierName(childNode(arg, 'argument'))}` : identifierName(arg),
  );
  return params.length === args.length && params.every((param, i) => param !== undefined && param === args[i]);
}

function importFacts(imports: ParseOutput['module']['staticImports'], lines: LineIndex): ImportFact[] {
  const facts: ImportFact[] = [];
  for (const statement of imports) {
    for (const entry of statement.entries) {
      const imported =
        entry.importName.kind === 'NamespaceObject'
          ? '*'
          : entry.importName.kind === 'Default'
            ? 'default'
            : (entry.importName.name ?? 'default');
      facts.push({
        local: entry.localName.value,
        imported,
        source: statement.moduleRequest.value,
        typeOnly: entry.isType,
        ...lines.position(entry.localName.start),
      });
    }
  }
  return facts;
}

function exportFacts(
  exports: ParseOutput['module']['staticExports'],
  lines: LineIndex,
  docs: DocComments,
): ExportFact[] {
  const facts: ExportFact[] = [];
  for (const statement of exports) {
    const deprecated = docs.has(statement.start, '@deprecated');
    for (const entry of statement.entries) {
      const at = lines.position(entry.start);
      const exported = entry.exportName.kind === 'Default' ? 'default' : (entry.exportName.name ?? '*');
      const source = entry.moduleRequest?.value;
      if (source === undefined) {
        const local = entry.localName.name ?? undefined;
        facts.push({ form: 'local', exported, ...(local === undefined ? {} : { local }), deprecated, ...at });
      } else if (entry.importName.kind === 'AllButDefault') {
        facts.push({ form: 'star', exported: '*', source, deprecated, ...at });
      } else {
        const imported = entry.importName.kind === 'All' ? '*' : (entry.importName.name ?? 'default');
        facts.push({ form: 'reexport', exported, imported, source, deprecated, ...at });
      }
    }
  }
  return facts;
}

/**
 * Collects the `new` sites that start at given offsets (where the source has the word `new`) in one walk of the
 * program that enters only nodes spanning one of them: most of a file is skipped, and every such `new` expression
 * (which starts at its keyword) is reached.
 */
class NewSiteCollector {
  readonly #source: string;
  readonly #lines: LineIndex;
  /** Offsets of the word `new` whose sites this collector reports, ascending. */
  readonly #offsets: readonly number[];
  readonly #sites: NewSiteFact[] = [];

  constructor(source: string, lines: LineIndex, offsets: readonly number[]) {
    this.#source = source;
    this.#lines = lines;
    this.#offsets = offsets;
  }

  /** Every site in the program, in source order. */
  finish(program: AstNode): NewSiteFact[] {
    walkNodes(program, (node) => {
      if (node !== program && !this.#mayHoldNew(node)) return false;
      if (node.type === 'NewExpression' && this.#isOffset(node.start)) this.#add(node);
      return true;
    });
    return this.#sites.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  /** True when a `new` at exactly `offset` is one of this collector's (others are found elsewhere). */
  #isOffset(offset: number): boolean {
    return this.#offsets[firstAtOrAfter(this.#offsets, offset)] === offset;
  }

  /**
   * True when the node's text holds a `new`. Decorated nodes and export declarations are always entered: their
   * decorators may lie outside their range.
   */
  #mayHoldNew(node: AstNode): boolean {
    if (node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration') return true;
    if (Array.isArray(node.decorators) && node.decorators.length > 0) return true;
    const next = this.#offsets[firstAtOrAfter(this.#offsets, node.start)];
    return next !== undefined && next < node.end;
  }

  #add(node: AstNode): void {
    const callee = childNode(node, 'callee');
    if (callee === undefined) return;
    this.#sites.push(newSiteFact(this.#source, this.#lines, node.start, callee.start, callee.end, nameRef(callee)));
  }
}
