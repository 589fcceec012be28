import { dirname, resolve } from 'node:path';
import { conceptFingerprint } from '../finding.js';
import type { Rule, RuleContext } from '../rule.js';
import type { Hop } from '../symbol-graph.js';
import { traceLocations } from '../trace-locations.js';

/**
 * `new X()` (in Python, `X()`) of a factory-only class outside the modules allowed to construct it. `X` is followed through imports,
 * re-exports and aliases to its declaration. A class is factory-only when its constructor is private or protected,
 * its TSDoc has `@factoryOnly` (in Python, a `# @factoryOnly` comment; optionally followed by the relative paths of
 * its factory modules), or the config
 * names it under `factoryOnly`. The declaring module is always allowed. `new` of an expression that cannot be
 * named statically (`new (c ? A : B)()`) is listed as unresolved by the checker, never guessed.
 */
export const factoryBypass: Rule = {
  id: 'factory-bypass',
  summary: 'new X() of a factory-only class outside its allowed modules, resolved through re-exports and aliases',
  check(context) {
    const findings = [];
    for (const [file, facts] of context.files) {
      const occurrences = new Map<string, number>();
      for (const site of facts.newSites) {
        if (site.callee === undefined) continue;
        const trace = context.graph.resolveRef(file, site.callee);
        const { origin, hops } = trace;
        if (origin.kind !== 'declaration' || origin.declaration.kind !== 'class') continue;
        const name = origin.declaration.name;
        const configured = context.config.factoryOnly.get(name);
        const own = origin.declaration.factoryOnly;
        if (configured === undefined && own === undefined) continue;
        const allowedModules = [
          origin.file,
          ...(configured ?? []),
          ...(own?.allowedModules ?? []).map((module) => resolve(dirname(origin.file), module)),
        ];
        if (allowedModules.some((module) => withoutExtension(module) === withoutExtension(file))) continue;
        const occurrence = (occurrences.get(name) ?? 0) + 1;
        occurrences.set(name, occurrence);
        const why =
          own?.reason === 'private-constructor'
            ? 'private constructor'
            : own?.reason === 'protected-constructor'
              ? 'protected constructor'
              : own?.reason === 'tsdoc'
                ? '@factoryOnly'
                : 'configured factory-only';
        const factories = [...new Set(allowedModules.map((module) => context.relative(module)))].join(', ');
        findings.push({
          rule: 'factory-bypass' as const,
          concept: name,
          concepts: [name],
          message: `\`${site.call === true ? '' : 'new '}${site.text}()\` constructs factory-only class '${name}' (${why}, ${context.relative(origin.file)}:${origin.declaration.line}) outside its factories${describeHops(hops, context)}`,
          fix: `obtain '${name}' from its factory instead of ${site.call === true ? 'calling the class' : '`new`'} (modules allowed to construct it: ${factories})`,
          location: { file, line: site.line, column: site.column },
          related: traceLocations(trace),
          copies: [file],
          fingerprint: conceptFingerprint('factory-bypass', name, context.relative(file), occurrence),
        });
      }
    }
    return findings;
  },
};

function describeHops(hops: readonly Hop[], context: RuleContext): string {
  const steps = hops.filter((hop) => hop.via !== 'export');
  if (steps.length === 0) return '';
  return `, reached through ${steps.map((hop) => `${hop.via} '${hop.name}' (${context.relative(hop.file)}:${hop.line})`).join(' → ')}`;
}

function withoutExtension(path: string): string {
  return path.replace(/\.(?:(?:d\.)?[cm]?[jt]sx?|py)$/, '');
}
