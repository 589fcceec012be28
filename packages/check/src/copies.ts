import picomatch from 'picomatch';
import type { CheckConfig } from './check-config.js';
import type { DeclarationFact } from './facts.js';
import { toPosix } from './posix-path.js';
import { isPythonFile } from './python/python-file.js';
import type { RuleContext } from './rule.js';

/** A declaration and its file: one copy of a concept. */
export interface Copy {
  readonly file: string;
  readonly declaration: DeclarationFact;
}

/** Folders (and file suffixes) of code that is not the product: tests, benches, scripts, examples. */
const AUXILIARY_FOLDER =
  /(?:^|\/)(?:tests?|__tests__|specs?|bench(?:es|marks?)?|scripts?|examples?|demos?|fixtures|__fixtures__|__mocks__)\//;
const AUXILIARY_FILE = /\.(?:test|spec|bench)\.[cm]?[jt]sx?$|(?:^|\/)(?:test_[^/]*|[^/]*_test|conftest)\.py$/;

/** True for a test, bench, script or example file (by folder or suffix); `path` is a report path, with `/`. */
export function isAuxiliary(path: string): boolean {
  return AUXILIARY_FOLDER.test(path) || AUXILIARY_FILE.test(path);
}

/**
 * The world of each file (see the config's `worlds`): the name of the first world whose globs match it, or `''`
 * for files in none. Declarations in different worlds are never copies of each other, and neither are declarations
 * in different languages (a Python module cannot import a TypeScript one): a Python file's world ends in `:python`.
 */
export function worldOf(config: CheckConfig): (file: string) => string {
  const matchers = [...config.worlds].map(([name, globs]) => [name, picomatch([...globs], { dot: true })] as const);
  const configured =
    matchers.length === 0
      ? () => ''
      : (file: string) => {
          const path = toPosix(file);
          return matchers.find(([, matches]) => matches(path))?.[0] ?? '';
        };
  return (file) => (isPythonFile(file) ? `${configured(file)}:python` : configured(file));
}

/**
 * Orders the copies of one concept so that the one to keep comes first: the canonical module's (if configured),
 * then the most imported from elsewhere, then one outside test, bench, script and example folders, then the
 * shortest path. When any copy is product code, product copies come first whatever their imports, so a fix never
 * points product code at a test, bench, script or example file.
 */
export function orderCopies(context: RuleContext, name: string, copies: readonly Copy[]): Copy[] {
  const canonical = context.config.canonical.get(name);
  const keys = new Map(
    copies.map((copy) => {
      const path = context.relative(copy.file);
      return [
        copy,
        {
          canonical: copy.file === canonical ? 0 : 1,
          auxiliary: isAuxiliary(path) ? 1 : 0,
          imports: importCount(context, copy.file, copy.declaration.name),
          path,
        },
      ] as const;
    }),
  );
  const anyProduct = [...keys.values()].some((key) => key.auxiliary === 0);
  return [...copies].sort((a, b) => {
    const x = keys.get(a);
    const y = keys.get(b);
    if (x === undefined || y === undefined) return 0;
    return (
      x.canonical - y.canonical ||
      (anyProduct ? x.auxiliary - y.auxiliary : 0) ||
      y.imports - x.imports ||
      x.auxiliary - y.auxiliary ||
      x.path.length - y.path.length ||
      (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)
    );
  });
}

/** The imports of each imported name across the checked files, built once per check (per context). */
const IMPORTS_BY_NAME = new WeakMap<RuleContext['files'], Map<string, { file: string; source: string }[]>>();

/**
 * How many modules import the declaration `name` of `file` directly (`import { name } from './file.js'`,
 * `const { name } = require('./file')`). Imports through a re-export are not followed: resolving every import of
 * a much-copied name on each check cost a watch re-check more than the choice of a copy is worth.
 */
function importCount(context: RuleContext, file: string, name: string): number {
  let byName = IMPORTS_BY_NAME.get(context.files);
  if (byName === undefined) {
    byName = new Map();
    for (const [importer, facts] of context.files) {
      for (const binding of facts.imports) {
        if (binding.imported === '*') continue;
        const list = byName.get(binding.imported) ?? [];
        byName.set(binding.imported, list);
        list.push({ file: importer, source: binding.source });
      }
    }
    IMPORTS_BY_NAME.set(context.files, byName);
  }
  let count = 0;
  for (const binding of byName.get(name) ?? []) {
    if (binding.file !== file && context.graph.target(binding.file, binding.source) === file) count++;
  }
  return count;
}
