/** The checks `runwire check` runs, in report order. */
export const RULE_IDS = [
  'duplicate-definition',
  'duplicate-shape',
  'shim-subclass',
  'factory-bypass',
  'non-canonical-import',
] as const;

/** One of {@link RULE_IDS}. */
export type RuleId = (typeof RULE_IDS)[number];

/**
 * How a rule's findings count. Every finding lowers the score; only `error` findings that are not in the baseline
 * make the run fail.
 */
export type Severity =
  /** Fails the run unless baselined. */
  | 'error'
  /** Reported and scored, never fails the run. */
  | 'warning';

/** A rule's configured severity; `off` does not run the rule at all. */
export type RuleSetting = Severity | 'off';
