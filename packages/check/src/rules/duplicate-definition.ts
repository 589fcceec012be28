import { type Copy, orderCopies, worldOf } from '../copies.js';
import { conceptFingerprint, type RuleFinding } from '../finding.js';
import { reexportStatement } from '../module-specifier.js';
import type { Rule, RuleContext } from '../rule.js';

/**
 * One concept declared at the top level of several modules. Classes, interfaces, types and enums of one name are
 * one concept; functions of one name are one only when their shapes match too (identifiers renamed, literals kept),
 * so unrelated private helpers that share a name are not reported. Entry points (a script's `main()`) are not
 * concepts, and declarations in different configured worlds are never copies. The copy to keep is chosen by
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
        if (!group.copies.some((copy) => copy.file === file)) group.copies.push({ file, declaration });
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
  const named = copies.filter((copy) => copy.declaration.kind !== 'function');
  if (named.length >= 2) sets.push(named);
  const byShape = new Map<string, Copy[]>();
  for (const copy of copies) {
    if (copy.declaration.kind !== 'function') continue;
    const shape = context.shapes.get(copy.declaration);
    if (shape === undefined || shape.nodes < MIN_SAME_NAME_NODES) continue; // not shared, or trivial
    // Only its own bindings renamed: `date` building a ZodDate and `date` building a ZodMiniDate are two concepts.
    const set = byShape.get(shape.local) ?? [];
    byShape.set(shape.local, set);
    set.push(copy);
  }
  for (const set of byShape.values()) if (set.length >= 2) sets.push(set);
  return sets;
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
