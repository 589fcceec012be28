import type { Node } from 'web-tree-sitter';
import type { ExportFact, ImportFact, Position } from '../facts.js';

/** The imports and the names they make importable from the module (every module-level name is). */
export interface PythonImports {
  readonly imports: ImportFact[];
  readonly exports: ExportFact[];
}

/**
 * Reads one `import …` or `from … import …` statement:
 * - `import a.b` binds `a` (the package `a` as a namespace); `import a.b as c` binds `c` (the module `a.b`)
 * - `from m import x as y` binds `y` to `m`'s `x`; `m` is kept as written, relative dots included (`..pkg.mod`)
 * - `from m import *` makes `m`'s names this module's (a star re-export)
 * Each binding is also a re-export: in Python every module-level name can be imported from the module, which is
 * how a package's `__init__.py` offers its submodules' classes.
 *
 * @param position - the source position of a node of the parsed text
 */
export function readImport(statement: Node, position: (node: Node) => Position, into: PythonImports): void {
  if (statement.type === 'import_statement') {
    for (const name of statement.childrenForFieldName('name')) {
      if (name === null) continue;
      const aliased = name.type === 'aliased_import';
      const dotted = aliased ? name.childForFieldName('name') : name;
      const alias = aliased ? name.childForFieldName('alias') : null;
      if (dotted === null) continue;
      const modulePath = compact(dotted.text);
      const source = alias === null ? (modulePath.split('.')[0] ?? modulePath) : modulePath;
      const local = alias === null ? source : alias.text;
      const at = position(alias ?? dotted);
      into.imports.push({ local, imported: '*', source, typeOnly: false, ...at });
      into.exports.push({ form: 'reexport', exported: local, imported: '*', source, deprecated: false, ...at });
    }
    return;
  }
  const module = statement.childForFieldName('module_name');
  if (module === null) return;
  const source = compact(module.text);
  if (statement.namedChildren.some((child) => child?.type === 'wildcard_import')) {
    into.exports.push({ form: 'star', exported: '*', source, deprecated: false, ...position(statement) });
    return;
  }
  for (const name of statement.childrenForFieldName('name')) {
    if (name === null) continue;
    const aliased = name.type === 'aliased_import';
    const imported = aliased ? name.childForFieldName('name') : name;
    const alias = aliased ? name.childForFieldName('alias') : null;
    if (imported === null) continue;
    const local = alias?.text ?? imported.text;
    const at = position(alias ?? imported);
    into.imports.push({ local, imported: imported.text, source, typeOnly: false, ...at });
    into.exports.push({
      form: 'reexport',
      exported: local,
      imported: imported.text,
      source,
      deprecated: false,
      ...at,
    });
  }
}

/** A dotted name as written, without the spaces and line continuations Python allows inside it. */
function compact(text: string): string {
  return text.replace(/[\s\\()]+/g, '');
}
