import { conceptFingerprint } from '../finding.js';
import { reexportStatement } from '../module-specifier.js';
import { isPythonException } from '../python/python-exception-class.js';
import { isPythonFile } from '../python/python-file.js';
import type { Rule } from '../rule.js';
import { traceLocations } from '../trace-locations.js';

/**
 * `class X extends Y {}` that adds nothing, where `Y` is a class of the checked tree: an alias with a different
 * identity (`instanceof` and static state split). Subclasses of external classes (`Error`, a package's class) are
 * left alone, since a distinct identity is often the point there; so are Python exceptions (`except` tells them apart
 * by class, so a docstring-only exception subclass is the idiom).
 */
export const shimSubclass: Rule = {
  id: 'shim-subclass',
  summary: 'class X extends Y {} that adds nothing: an alias with a different identity',
  check(context) {
    const findings = [];
    for (const [file, facts] of context.files) {
      for (const declaration of facts.declarations) {
        if (declaration.addsNothing !== true || declaration.extends === undefined) continue;
        const trace = context.graph.resolveRef(file, declaration.extends);
        const { origin } = trace;
        if (origin.kind !== 'declaration' || origin.declaration.kind !== 'class') continue;
        if (isPythonFile(file) && isPythonException(context, file, declaration)) continue;
        const base = origin.declaration.name;
        const to = origin.file === file ? undefined : origin.file;
        const statement = reexportStatement(facts.commonJs === true, declaration.name, base, file, to);
        findings.push({
          rule: 'shim-subclass' as const,
          concept: declaration.name,
          concepts: [declaration.name],
          message: `class '${declaration.name}' extends '${base}' (${context.relative(origin.file)}:${origin.declaration.line}) and adds nothing: an alias with a different identity`,
          fix: `replace the class with \`${statement}\``,
          location: { file, line: declaration.line, column: declaration.column },
          related: traceLocations(trace),
          copies: [file],
          fingerprint: conceptFingerprint('shim-subclass', declaration.name, context.relative(file)),
        });
      }
    }
    return findings;
  },
};
