import type { DeclarationFact } from '../facts.js';
import { conceptFingerprint } from '../finding.js';
import { moduleSpecifier } from '../module-specifier.js';
import type { Rule } from '../rule.js';

/**
 * Classes with the same members, or functions with the same body, once identifiers are renamed, under different
 * names in several modules: the same code kept twice. (Copies under the same name are `duplicate-definition`.)
 */
export const duplicateShape: Rule = {
  id: 'duplicate-shape',
  summary: 'classes with the same members, or function bodies equal after renaming, in several modules',
  readsShapes: true,
  check(context) {
    const byShape = new Map<string, { file: string; declaration: DeclarationFact }[]>();
    for (const [file, facts] of context.files) {
      for (const declaration of facts.declarations) {
        const shape = context.shapes.get(declaration);
        if (shape === undefined) continue;
        const key = `${declaration.kind}:${shape}`;
        const group = byShape.get(key) ?? [];
        byShape.set(key, group);
        group.push({ file, declaration });
      }
    }
    const findings = [];
    for (const group of byShape.values()) {
      const names = [...new Set(group.map((member) => member.declaration.name))].sort();
      if (new Set(group.map((member) => member.file)).size < 2 || names.length < 2) continue;
      const [first, second, ...others] = group;
      if (first === undefined || second === undefined) continue;
      const kind = first.declaration.kind === 'class' ? 'class' : 'function';
      const list = group.map((m) => `'${m.declaration.name}' (${context.relative(m.file)})`).join(', ');
      findings.push({
        rule: 'duplicate-shape' as const,
        concept: second.declaration.name,
        concepts: names,
        message: `${kind} ${list} have the same ${kind === 'class' ? 'members' : 'body'} under different names`,
        fix: `keep '${first.declaration.name}' and replace each copy with an alias, e.g. \`export { ${first.declaration.name} as ${second.declaration.name} } from '${moduleSpecifier(second.file, first.file)}'\``,
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
