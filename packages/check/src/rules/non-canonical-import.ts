import { conceptFingerprint } from '../finding.js';
import { importStatement } from '../module-specifier.js';
import type { Rule } from '../rule.js';
import type { Hop } from '../symbol-graph.js';
import { traceLocations } from '../trace-locations.js';

/**
 * An import of a symbol from somewhere other than its canonical module: through a re-export or alias marked
 * `@deprecated`, or, for a symbol named under `canonical` in the config, from any module but that one. Re-exports
 * themselves are never findings: they are how a moved concept stays reachable. Importing a declaration that is itself
 * `@deprecated` is a deprecated concept, not a deprecated path, and is left to other tools.
 */
export const nonCanonicalImport: Rule = {
  id: 'non-canonical-import',
  summary: 'a symbol imported from somewhere other than its canonical module',
  check(context) {
    const findings = [];
    for (const [file, facts] of context.files) {
      const occurrences = new Map<string, number>();
      for (const binding of facts.imports) {
        if (binding.imported === '*') continue;
        const target = context.graph.target(file, binding.source);
        if (target === undefined) continue;
        const trace = context.graph.resolveExport(target, binding.imported);
        const { origin, hops } = trace;
        const concept =
          origin.kind === 'declaration'
            ? origin.declaration.name
            : origin.kind === 'external'
              ? origin.name
              : undefined;
        if (concept === undefined || concept === '*' || concept === 'default') continue;
        const canonical = context.config.canonical.get(concept);
        // A deprecated path, not a deprecated concept: the `export` of the declaration itself does not count.
        const ownExport = (hop: Hop, index: number): boolean =>
          hop.via === 'export' &&
          index === hops.length - 1 &&
          origin.kind === 'declaration' &&
          origin.file === hop.file;
        const deprecatedPath = hops.filter((hop, index) => hop.deprecated && !ownExport(hop, index));
        const deprecated = deprecatedPath.find((hop) => hop.via !== 'export') ?? deprecatedPath[0];
        let reason: string | undefined;
        if (deprecated !== undefined) {
          reason = `through a deprecated ${deprecated.via} (${context.relative(deprecated.file)}:${deprecated.line})`;
        } else if (canonical !== undefined && target !== canonical && file !== canonical) {
          reason = `from ${context.relative(target)} instead of its canonical module ${context.relative(canonical)}`;
        }
        if (reason === undefined) continue;
        const home = canonical ?? (origin.kind === 'declaration' ? origin.file : undefined);
        const occurrence = (occurrences.get(concept) ?? 0) + 1;
        occurrences.set(concept, occurrence);
        findings.push({
          rule: 'non-canonical-import' as const,
          concept,
          concepts: [concept],
          message: `'${binding.local}' imports '${concept}' ${reason}`,
          fix:
            home === undefined
              ? `import '${concept}' from '${origin.kind === 'external' ? origin.specifier : binding.source}' directly`
              : importStatement(concept, binding.local, file, home),
          location: { file, line: binding.line, column: binding.column },
          related: traceLocations(trace),
          copies: [file],
          fingerprint: conceptFingerprint('non-canonical-import', concept, context.relative(file), occurrence),
        });
      }
    }
    return findings;
  },
};
