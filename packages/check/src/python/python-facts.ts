import type { Node, Parser } from 'web-tree-sitter';
import type { AliasFact, DeclarationFact, FileFacts, Position } from '../facts.js';
import { GENERATED_HEADER } from '../generated-header.js';
import { LineIndex } from '../line-index.js';
import { firstAtOrAfter } from '../sorted-search.js';
import { pythonCallSites } from './python-call-sites.js';
import { nameRef, pythonClassFact } from './python-class-fact.js';
import { type PythonImports, readImport } from './python-imports.js';
import { markerText } from './python-markers.js';
import { scanPython } from './python-scan.js';
import { PythonSkeleton } from './python-skeleton.js';
import { pythonSketch } from './python-sketch.js';

/** `if __name__ == "__main__":`, either way round: what the module runs as a script. */
const MAIN_GUARD = /__name__\s*==\s*['"]__main__['"]|['"]__main__['"]\s*==\s*__name__/;

/** A call of a plain name in text: `main(`, but not `x.main(` or `def main(`. */
const CALL_IN_TEXT = /(?<![\w.]|def\s{1,9})([A-Za-z_]\w*)\s*\(/g;

/** Clauses of compound statements whose blocks hold module-level code (`try:`/`except:`, `if`/`else`, `with`). */
const CLAUSES: ReadonlySet<string> = new Set([
  'elif_clause',
  'else_clause',
  'except_clause',
  'except_group_clause',
  'finally_clause',
]);

/** Compound statements whose blocks run at the module's top level: what they define is the module's. */
const COMPOUND: ReadonlySet<string> = new Set(['if_statement', 'try_statement', 'with_statement']);

/** Parse errors reported per file: the first few say where to look. */
const MAX_ERRORS = 5;

/**
 * Parses one Python file with tree-sitter and keeps the same facts the TypeScript front end keeps: classes and
 * functions (with sketches), module-level aliases (`QualityMessageRouter = MessageRouter`), imports and what they
 * make importable, construction sites (calls of module-level names), subclasses, `__all__`, and the functions a
 * script's `if __name__ == "__main__":` runs (entry points, not concepts). What is defined inside `if`, `try` and
 * `with` at the top level is the module's too. The function bodies are cut out before parsing (see
 * `PythonSkeleton`); should the cut text not parse cleanly, the whole source is parsed, so errors are the real ones.
 *
 * @param parser - a tree-sitter parser set to Python (see `loadPythonParser`)
 */
export function extractPythonFacts(parser: Parser, source: string): FileFacts {
  const scan = scanPython(source);
  let text = new PythonSkeleton(source, scan);
  let tree = parser.parse(text.text);
  if (tree?.rootNode.hasError === true && text.text !== source) {
    tree.delete();
    text = new PythonSkeleton(source, { bodies: [], quoted: [] });
    tree = parser.parse(source);
  }
  if (tree === null) throw new Error('tree-sitter returned no tree');
  try {
    return new PythonFactsReader(source, text, scan.quoted).read(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** Reads the facts of one parsed file (one use). */
class PythonFactsReader {
  readonly #source: string;
  readonly #text: PythonSkeleton;
  readonly #quoted: readonly number[];
  readonly #lines: LineIndex;
  readonly #declarations: DeclarationFact[] = [];
  readonly #aliases: AliasFact[] = [];
  readonly #bindings: string[] = [];
  readonly #imported: PythonImports = { imports: [], exports: [] };
  readonly #entryPoints = new Set<string>();
  #all: Set<string> | undefined;

  constructor(source: string, text: PythonSkeleton, quoted: readonly number[]) {
    this.#source = source;
    this.#text = text;
    this.#quoted = quoted;
    this.#lines = new LineIndex(source);
  }

  read(root: Node): FileFacts {
    this.#statements(root);
    const all = this.#all;
    const exported = (name: string): boolean => (all === undefined ? !name.startsWith('_') : all.has(name));
    const declarations = this.#declarations.map((declaration) => ({
      ...declaration,
      exported: exported(declaration.name),
      ...(declaration.kind === 'function' && this.#entryPoints.has(declaration.name) ? { entryPoint: true } : {}),
    }));
    const aliases = this.#aliases.map((alias) => ({ ...alias, exported: exported(alias.name) }));
    const bound = new Map<string, boolean>([
      ...declarations.flatMap((declaration) =>
        declaration.kind === 'class' ? [[declaration.name, false] as const] : [],
      ),
      ...aliases.map((alias) => [alias.name, false] as const),
      ...this.#imported.imports.map((binding) => [binding.local, binding.imported === '*'] as const),
    ]);
    return {
      declarations,
      aliases,
      imports: this.#imported.imports,
      // Names the module binds itself are found by the graph without an export fact (any module-level name can
      // be imported in Python); what it imports is listed, so a package's `__init__.py` re-exports.
      exports: [...this.#imported.exports],
      newSites: pythonCallSites(this.#source, bound, this.#quoted, this.#lines),
      parseErrors: root.hasError ? this.#errors(root) : [],
      ...(this.#bindings.length > 0 ? { bindings: this.#bindings } : {}),
      ...(GENERATED_HEADER.test(leadingComments(this.#source)) ? { generated: true } : {}),
    };
  }

  /** The statements of a module or of a block that runs at its top level. */
  #statements(container: Node): void {
    for (const statement of container.namedChildren) {
      if (statement === null) continue;
      switch (statement.type) {
        case 'import_statement':
        case 'import_from_statement':
          readImport(statement, (node) => this.#position(node), this.#imported);
          break;
        case 'class_definition':
        case 'function_definition':
          this.#definition(statement, statement, false);
          break;
        case 'decorated_definition': {
          const definition = statement.childForFieldName('definition');
          if (definition !== null) this.#definition(definition, statement, true);
          break;
        }
        case 'expression_statement': {
          const assignment = statement.namedChild(0);
          if (assignment?.type === 'assignment' || assignment?.type === 'augmented_assignment') {
            this.#assignment(assignment, statement);
          }
          break;
        }
        default:
          if (COMPOUND.has(statement.type)) this.#compound(statement);
      }
    }
  }

  #compound(statement: Node): void {
    const condition = statement.type === 'if_statement' ? statement.childForFieldName('condition') : null;
    if (condition !== null && MAIN_GUARD.test(condition.text)) {
      const start = this.#text.toSource(statement.startIndex);
      const end = this.#text.toSourceEnd(statement.endIndex);
      for (const match of this.#source.slice(start, end).matchAll(CALL_IN_TEXT)) {
        if (match[1] !== undefined) this.#entryPoints.add(match[1]);
      }
      return;
    }
    for (const child of statement.namedChildren) {
      if (child === null) continue;
      if (child.type === 'block') this.#statements(child);
      else if (CLAUSES.has(child.type)) {
        for (const block of child.namedChildren) if (block?.type === 'block') this.#statements(block);
      }
    }
  }

  /** A class or function; `statement` is where it starts, its decorators included. */
  #definition(node: Node, statement: Node, decorated: boolean): void {
    const nameNode = node.childForFieldName('name');
    if (nameNode === null) return;
    const name = nameNode.text;
    const position = this.#position(nameNode);
    const shapeSource = {
      start: this.#text.toSource(node.startIndex),
      end: this.#text.toSourceEnd(node.endIndex),
      expression: false,
    };
    const body = node.childForFieldName('body');
    const bodyRange = (): [number, number] =>
      body === null
        ? [shapeSource.end, shapeSource.end]
        : [this.#afterDocstring(this.#text.toSource(body.startIndex)), this.#text.toSourceEnd(body.endIndex)];
    if (node.type === 'class_definition') {
      const statementStart = this.#text.toSource(statement.startIndex);
      const lineStart = this.#source.lastIndexOf('\n', statementStart - 1) + 1;
      this.#declarations.push(
        pythonClassFact(node, name, {
          decorated,
          factoryOnlyMarker: markerText(this.#source, lineStart, '@factoryOnly'),
          position,
          shapeSource,
          sketch: (members) => (members >= 2 ? pythonSketch(this.#source, [bodyRange()], this.#quoted) : undefined),
        }),
      );
      return;
    }
    const parameters = node.childForFieldName('parameters');
    const ranges: [number, number][] = [
      parameters === null
        ? [0, 0]
        : [this.#text.toSource(parameters.startIndex), this.#text.toSource(parameters.endIndex)],
      bodyRange(),
    ];
    this.#declarations.push({
      name,
      kind: 'function',
      exported: true,
      ...position,
      sketch: pythonSketch(this.#source, ranges, this.#quoted),
      shapeSource,
    });
  }

  /** `X = Y` or `X = module.Y` is an alias; `__all__ = [...]` lists the exported names; the rest are bindings. */
  #assignment(assignment: Node, statement: Node): void {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'identifier') {
      if (left !== null) this.#targetNames(left);
      return;
    }
    const name = left.text;
    if (name === '__all__') {
      this.#all ??= new Set();
      for (const item of right?.descendantsOfType('string_content') ?? []) if (item !== null) this.#all.add(item.text);
      return;
    }
    const target = assignment.type === 'assignment' && right !== null ? nameRef(right) : undefined;
    if (target === undefined) {
      this.#bindings.push(name);
      return;
    }
    const statementStart = this.#text.toSource(statement.startIndex);
    const lineStart = this.#source.lastIndexOf('\n', statementStart - 1) + 1;
    this.#aliases.push({
      name,
      target,
      exported: true,
      deprecated: markerText(this.#source, lineStart, '@deprecated') !== undefined,
      ...this.#position(left),
    });
  }

  /**
   * Where a body starting at `start` starts once its docstring is passed over: a docstring is documentation, which
   * the shapes leave out like comments.
   */
  #afterDocstring(start: number): number {
    const quoted = this.#quoted;
    const at = firstAtOrAfter(quoted, start, 2);
    if (quoted[at] !== start || this.#source.charCodeAt(start) === 0x23) return start;
    const end = quoted[at + 1] ?? start;
    return /^[ \t]*(?:#[^\n]*)?(?:\r?\n|$)/.test(this.#source.slice(end, end + 200)) ? end : start;
  }

  /** The names a tuple or list target binds (`a, b = …`); attributes and subscripts bind none of the module's. */
  #targetNames(target: Node): void {
    if (target.type === 'identifier') this.#bindings.push(target.text);
    else if (target.type !== 'attribute' && target.type !== 'subscript') {
      for (const child of target.namedChildren) if (child !== null) this.#targetNames(child);
    }
  }

  #position(node: Node): Position {
    return this.#lines.position(this.#text.toSource(node.startIndex));
  }

  /** The first few syntax errors, each as `line:column message`. */
  #errors(root: Node): string[] {
    const errors: string[] = [];
    const visit = (node: Node): void => {
      if (errors.length >= MAX_ERRORS) return;
      if (node.isMissing || node.type === 'ERROR') {
        const at = this.#position(node);
        const what = node.isMissing ? `missing '${node.type}'` : 'invalid syntax';
        errors.push(`${at.line}:${at.column} ${what}`);
        return;
      }
      for (const child of node.children) if (child !== null && (child.hasError || child.isMissing)) visit(child);
    };
    visit(root);
    return errors.length > 0 ? errors : ['1:1 invalid syntax'];
  }
}

/** The comments and blank lines a file starts with (a shebang and an encoding line included). */
function leadingComments(source: string): string {
  return /^(?:\s+|#[^\n]*)*/.exec(source.slice(0, 4096))?.[0] ?? '';
}
