import type { Rule } from '../rule.js';
import { duplicateDefinition } from './duplicate-definition.js';
import { duplicateShape } from './duplicate-shape.js';
import { factoryBypass } from './factory-bypass.js';
import { nonCanonicalImport } from './non-canonical-import.js';
import { shimSubclass } from './shim-subclass.js';

/** Every rule, in report order (the order of `RULE_IDS`). */
export const ALL_RULES: readonly Rule[] = [
  duplicateDefinition,
  duplicateShape,
  shimSubclass,
  factoryBypass,
  nonCanonicalImport,
];
