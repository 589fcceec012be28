import type { DeclarationFact } from '../facts.js';
import type { RuleContext } from '../rule.js';

/** Names of exception classes: Python's own (`ValueError`, `Exception`, `UserWarning`, `SystemExit`, …) and most others. */
const EXCEPTION_NAME = /(?:Error|Exception|Warning|Exit|Interrupt)$/;

/** Bases followed at most: deeper hierarchies are not exceptions told by name. */
const MAX_DEPTH = 16;

/**
 * True for a Python class that is an exception: it, or a class it extends (followed through the checked files), is
 * named like one, or the chain ends at a name from outside named like one. Python tells exceptions apart by class
 * (`except Clamped:`), so an exception subclass that adds only a docstring is the idiom, not a shim, and each
 * module's own `class Error(Exception)` is that module's concept, not a copy.
 */
export function isPythonException(context: RuleContext, file: string, declaration: DeclarationFact): boolean {
  let current: { file: string; declaration: DeclarationFact } = { file, declaration };
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (EXCEPTION_NAME.test(current.declaration.name)) return true;
    const base = current.declaration.extends;
    if (base === undefined) return false;
    const { origin } = context.graph.resolveRef(current.file, base);
    if (origin.kind !== 'declaration') {
      const name = origin.kind === 'external' || origin.kind === 'unknown' ? origin.name : base.name;
      return EXCEPTION_NAME.test(base.member ?? name);
    }
    current = { file: origin.file, declaration: origin.declaration };
  }
  return false;
}
