import { createHash } from 'node:crypto';
import type { RuleId, Severity } from './rule-id.js';

/** A place in a checked file. `file` is absolute inside the checker and relative in reports. */
export interface Location {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** What this place is to the finding, e.g. "declared here" or "re-exported here". */
  readonly message?: string;
}

/** A finding as a rule reports it, before severity and baseline are applied. */
export interface RuleFinding {
  readonly rule: RuleId;
  /** The concept the finding is about; the key of its fingerprint. */
  readonly concept: string;
  /** Every concept the finding counts against in the score (the concept itself and, e.g., the other copies). */
  readonly concepts: readonly string[];
  /** What is wrong and where, in one sentence. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
  readonly location: Location;
  /** The other copies, the declaration, and the hops of a re-export chain. */
  readonly related: readonly Location[];
  /**
   * The files of the copies the finding is about (every copy of a duplicate; the one file of a per-site finding).
   * The baseline accepts a finding with these copies only: another copy makes it new.
   */
  readonly copies: readonly string[];
  /** Stable identity of the finding: rule and concept (and file where the rule is per site), never a line. */
  readonly fingerprint: string;
}

/** A finding as reported. */
export interface Finding extends RuleFinding {
  readonly severity: Severity;
  /** True when the baseline already holds this finding: it is reported and scored but never fails the run. */
  readonly baselined: boolean;
}

/**
 * The fingerprint of a finding: a hash of the rule, the concept and any extra keys (relative paths, an occurrence
 * number), so it survives moved lines and edits elsewhere in the file. Remembered: a watch re-check asks again for
 * nearly every fingerprint of the check before.
 */
export function conceptFingerprint(rule: RuleId, concept: string, ...keys: readonly (string | number)[]): string {
  const text = [rule, concept, ...keys].join('\0');
  let fingerprint = FINGERPRINTS.get(text);
  if (fingerprint === undefined) {
    fingerprint = createHash('sha256').update(text).digest('hex').slice(0, 32);
    if (FINGERPRINTS.size >= MAX_REMEMBERED_FINGERPRINTS) FINGERPRINTS.clear();
    FINGERPRINTS.set(text, fingerprint);
  }
  return fingerprint;
}

/** Fingerprints computed before, by the text they hash. */
const FINGERPRINTS = new Map<string, string>();

/** Enough for every finding of a large tree; past it the memory is given back and the hashes computed anew. */
const MAX_REMEMBERED_FINGERPRINTS = 100_000;
