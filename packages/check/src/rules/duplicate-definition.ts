import type { DeclarationFact } from '../facts.js';
import { conceptFingerprint } from '../finding.js';
import { moduleSpecifier } from '../module-specifier.js';
import type { Rule } from '../rule.js';

/**
 * One concept (class, interface, type, enum or function) declared at the top level of several modules. The first
 * declaration (the canonical module's, if configured, else the first path) is kept; the finding sits on the next
 * copy and lists every other copy as related.
 */
export const duplicateDefinition: Rule = {
  id: 'duplicate-definition',
  summary: 'one concept (class, interface, type, enum, function) defined in several modules',
  check(context) {
    const byName = new Map<string, Map<string, DeclarationFact>>();
    for (const [file, facts] of context.files) {
      for (const declaration of facts.declarations) {
        const files = byName.get(declaration.name) ?? new Map<string, DeclarationFact>();
        byName.set(declaration.name, files);
        if (!files.has(file)) files.set(file, declaration);
      }
    }
    const findings = [];
    for (const [name, files] of byName) {
      if (files.size < 2) continue;
      const canonical = context.config.canonical.get(name);
      const copies = [...files].sort(([a], [b]) => (a === canonical ? -1 : b === canonical ? 1 : a < b ? -1 : 1));
      const [kept, primary, ...others] = copies;
      if (kept === undefined || primary === undefined) continue;
      const where = copies.map(([file]) => context.relative(file)).join(', ');
      findings.push({
        rule: 'duplicate-definition' as const,
        concept: name,
        concepts: [name],
        message: `${primary[1].kind} '${name}' is defined in ${copies.length} modules: ${where}`,
        fix: `keep the definition in ${context.relative(kept[0])} and replace each copy with \`export { ${name} } from '${moduleSpecifier(primary[0], kept[0])}'\` (or import it)`,
        location: { file: primary[0], line: primary[1].line, column: primary[1].column },
        related: [kept, ...others].map(([file, declaration]) => ({
          file,
          line: declaration.line,
          column: declaration.column,
          message: file === kept[0] ? `'${name}' kept here` : `another copy of '${name}'`,
        })),
        copies: copies.map(([file]) => file),
        fingerprint: conceptFingerprint('duplicate-definition', name),
      });
    }
    return findings;
  },
};
