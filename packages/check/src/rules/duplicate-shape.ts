import { MIN_EXACT_SHAPE_NODES } from '../check-config.js';
import { orderCopies, worldOf } from '../copies.js';
import type { DeclarationFact } from '../facts.js';
import { conceptFingerprint } from '../finding.js';
import { reexportStatement } from '../module-specifier.js';
import type { Rule } from '../rule.js';

/**
 * Classes with the same members, or functions with the same body, once identifiers are renamed, under different
 * names in several modules: the same code kept twice. Bodies of `minCloneStatements` statements or more are
 * compared with their literals ignored (other names and constants, same structure: a type-2 clone); smaller ones
 * only from 40 syntax nodes, literals kept. Declarations in different configured worlds are never compared.
 * (Copies under the same name are `duplicate-definition`.)
 */
export const duplicateShape: Rule = {
  id: 'duplicate-shape',
  summary: 'classes with the same members, or function bodies equal after renaming, in several modules',
  readsShapes: true,
  check(context) {
    const world = worldOf(context.config);
    const { minCloneStatements } = context.config;
    const byShape = new Map<string, { file: string; declaration: DeclarationFact }[]>();
    for (const [file, facts] of context.files) {
      const fileWorld = world(file);
      for (const declaration of facts.declarations) {
        const shape = context.shapes.get(declaration);
        if (shape === undefined) continue;
        // Enough statements: compared with literals ignored (a type-2 clone). Else only large bodies, literals kept.
        const hash =
          shape.statements >= minCloneStatements
            ? `blind:${shape.blind}`
            : shape.nodes >= MIN_EXACT_SHAPE_NODES
              ? `exact:${shape.exact}`
              : undefined;
        if (hash === undefined) continue;
        const key = `${fileWorld}\0${declaration.kind}:${hash}`;
        const group = byShape.get(key) ?? [];
        byShape.set(key, group);
        group.push({ file, declaration });
      }
    }
    const findings = [];
    for (const found of byShape.values()) {
      const names = [...new Set(found.map((member) => member.declaration.name))].sort();
      if (new Set(found.map((member) => member.file)).size < 2 || names.length < 2) continue;
      const group = orderCopies(context, '', found);
      const [first, second, ...others] = group;
      if (first === undefined || second === undefined) continue;
      const kind = first.declaration.kind === 'class' ? 'class' : 'function';
      const list = group.map((m) => `'${m.declaration.name}' (${context.relative(m.file)})`).join(', ');
      const exact = new Set(group.map((member) => context.shapes.get(member.declaration)?.exact)).size === 1;
      const same = kind === 'class' ? 'members' : 'body';
      findings.push({
        rule: 'duplicate-shape' as const,
        concept: second.declaration.name,
        concepts: names,
        message: `${kind} ${list} have the same ${same} under different names${exact ? '' : ' and constants'}`,
        fix: `keep '${first.declaration.name}' and replace each copy with an alias, e.g. \`${reexportStatement(context.files.get(second.file)?.commonJs === true, second.declaration.name, first.declaration.name, second.file, first.file)}\``,
        location: { file: second.file, line: second.declaration.line, column: second.declaration.column },
        related: [first, ...others].map((member) => ({
          file: member.file,
          line: member.declaration.line,
          column: member.declaration.column,
          message: `same shape: '${member.declaration.name}'`,
        })),
        copies: group.map((member) => member.file),
        fingerprint: conceptFingerprint('duplicate-shape', names.join(',')),
      });
    }
    return findings;
  },
};
