import { type Copy, orderCopies, worldOf } from '../copies.js';
import { conceptFingerprint, type RuleFinding } from '../finding.js';
import { reexportStatement } from '../module-specifier.js';
import { isPythonException } from '../python/python-exception-class.js';
import { isPythonFile } from '../python/python-file.js';
import type { Rule, RuleContext } from '../rule.js';

/**
 * One concept declared at the top level of several modules. Classes, interfaces, types and enums of one name are
 * one concept (when at least one copy is exported); functions of one name are one only when their shapes match too (identifiers renamed, literals kept),
 * so unrelated private helpers that share a name are not reported. Entry points (a script's `main()`) are not
 * concepts, nor are Python exception classes (each module's own `Error`), and declarations in different configured
 * worlds are never copies. The copy to keep is chosen by
 * `orderCopies`; the finding sits on the next copy and lists every other copy as related.
 */
export const duplicateDefinition: Rule = {
  id: 'duplicate-definition',
  summary: 'one concept (class, interface, type, enum; a function with the same shape) defined in several modules',
  readsShapes: true,
  check(context) {
    const world = worldOf(context.config);
    /** Copies by world and name, one per file. */
    const byName = new Map<string, { name: string; world: string; copies: Copy[] }>();
    for (const [file, facts] of context.files) {
      const fileWorld = world(file);
      for (const declaration of facts.declarations) {
        if (declaration.entryPoint === true) continue;
        const key = `${fileWorld}\0${declaration.name}`;
        let group = byName.get(key);
        if (group === undefined) {
          group = { name: declaration.name, world: fileWorld, copies: [] };
          byName.set(key, group);
        }
        // Files come one after the other: a copy of this file, if any, is the last one added.
        if (group.copies[group.copies.length - 1]?.file !== file) group.copies.push({ file, declaration });
      }
    }
    const findings: RuleFinding[] = [];
    for (const { name, world: inWorld, copies } of byName.values()) {
      if (copies.length < 2) continue;
      const sets = conceptCopies(context, copies);
      sets.forEach((set, index) => {
        const keys = [...(inWorld === '' ? [] : [`world:${inWorld}`]), ...(index === 0 ? [] : [`set:${index}`])];
        const finding = definitionFinding(context, name, set, keys);
        if (finding !== undefined) findings.push(finding);
      });
    }
    return findings;
  },
};

/**
 * Functions of one name smaller than this many syntax nodes are not a concept worth sharing even when equal:
 * `function noop() {}` in two modules is not a duplicated concept.
 */
const MIN_SAME_NAME_NODES = 5;

/** The sets of copies that are one concept: the classes, interfaces, types and enums; functions grouped by shape. */
function conceptCopies(context: RuleContext, copies: readonly Copy[]): Copy[][] {
  const sets: Copy[][] = [];
  // A type or class no copy of which is exported is each module's own business (two scripts' private `Sample`
  // interfaces): a concept of the tree only once some module offers it.
  // Each Python module's own `class Error(Exception)` is its own concept (`uu.Error`, `aifc.Error`).
  const named = copies.filter(
    (copy) =>
      copy.declaration.kind !== 'function' &&
      !(isPythonFile(copy.file) && isPythonException(context, copy.file, copy.declaration)),
  );
  if (named.length >= 2 && named.some((copy) => isExported(context, copy))) sets.push(named);
  const byShape = new Map<string, Copy[]>();
  const functions = copies.filter((copy) => copy.declaration.kind === 'function');
  if (functions.length < 2) return sets;
  for (const copy of functions) {
    const shape = context.shapes.get(copy.declaration);
    if (shape === undefined || shape.nodes < MIN_SAME_NAME_NODES) continue; // not shared, or trivial
    // Only its own bindings renamed (`date` building a ZodDate and `date` building a ZodMiniDate are two concepts),
    // and every name it uses from outside resolved in its module: `getStats` calling its own parser's
    // `getASTCached`, or `clearCache` clearing its own module's `CACHE`, is one implementation of a contract per
    // module, not a copy.
    const key = `${shape.local}\0${shape.free.map((name) => freeNameOrigin(context, copy.file, name)).join('\0')}`;
    const set = byShape.get(key) ?? [];
    byShape.set(key, set);
    set.push(copy);
  }
  for (const set of byShape.values()) if (set.length >= 2) sets.push(set);
  return sets;
}

/** Exported where declared, or later by name: `export { X }`, `module.exports = { X }`, `exports.X = X`. */
function isExported(context: RuleContext, copy: Copy): boolean {
  if (copy.declaration.exported) return true;
  const facts = context.files.get(copy.file);
  if (facts === undefined) return false;
  let names = EXPORTED_LOCALS.get(facts);
  if (names === undefined) {
    names = new Set(facts.exports.flatMap((entry) => (entry.form === 'local' && entry.local ? [entry.local] : [])));
    EXPORTED_LOCALS.set(facts, names);
  }
  return names.has(copy.declaration.name);
}

/** The local names each file exports by name, computed once per file's facts (a file may export hundreds). */
const EXPORTED_LOCALS = new WeakMap<object, ReadonlySet<string>>();

/**
 * What a name a function uses from outside denotes in its module: a declaration, a namespace or a package's export
 * (the same for every module that reaches it), a binding of the module's own (`const cache = …`: its alone), or a
 * global (`Math`).
 */
function freeNameOrigin(context: RuleContext, file: string, name: string): string {
  let memo = ORIGINS.get(context.files);
  if (memo === undefined) {
    memo = new Map();
    ORIGINS.set(context.files, memo);
  }
  const key = `${file}\0${name}`;
  let origin = memo.get(key);
  if (origin === undefined) {
    origin = resolveOrigin(context, file, name);
    memo.set(key, origin);
  }
  return origin;
}

/** {@link freeNameOrigin}s of one check (per context), by file and name: many copies share their modules. */
const ORIGINS = new WeakMap<RuleContext['files'], Map<string, string>>();

function resolveOrigin(context: RuleContext, file: string, name: string): string {
  const { origin } = context.graph.resolveLocal(file, name, new Set());
  switch (origin.kind) {
    case 'declaration':
      return `${origin.file}#${origin.declaration.name}`;
    case 'namespace':
      return `${origin.file}#*`;
    case 'external':
      return `${origin.specifier}#${origin.name}`;
    case 'unknown':
      return context.files.get(file)?.bindings?.includes(name) === true ? `${file}#${name}` : `global#${name}`;
    default:
      return assertNever(origin);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected origin ${JSON.stringify(value)}`);
}

function definitionFinding(
  context: RuleContext,
  name: string,
  set: readonly Copy[],
  keys: readonly string[],
): RuleFinding | undefined {
  const copies = orderCopies(context, name, set);
  const [kept, primary, ...others] = copies;
  if (kept === undefined || primary === undefined) return undefined;
  const where = copies.map((copy) => context.relative(copy.file)).join(', ');
  const sameShape = primary.declaration.kind === 'function' ? ' with the same body' : '';
  return {
    rule: 'duplicate-definition',
    concept: name,
    concepts: [name],
    message: `${primary.declaration.kind} '${name}' is defined${sameShape} in ${copies.length} modules: ${where}`,
    fix: `keep the definition in ${context.relative(kept.file)} and replace each copy with \`${reexportStatement(context.files.get(primary.file)?.commonJs === true, name, name, primary.file, kept.file)}\` (or import it)`,
    location: { file: primary.file, line: primary.declaration.line, column: primary.declaration.column },
    related: [kept, ...others].map((copy) => ({
      file: copy.file,
      line: copy.declaration.line,
      column: copy.declaration.column,
      message: copy === kept ? `'${name}' kept here` : `another copy of '${name}'`,
    })),
    copies: copies.map((copy) => copy.file),
    fingerprint: conceptFingerprint('duplicate-definition', name, ...keys),
  };
}
