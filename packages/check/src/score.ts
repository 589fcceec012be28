import type { Finding } from './finding.js';

/** The checker's score and how it was computed. */
export interface Score {
  /** 100 × clean / concepts, rounded to two decimals; 100 when there are no concepts. */
  readonly value: number;
  /** Every concept: each name declared at the top level of a checked module, plus any concept a finding names. */
  readonly concepts: number;
  /** Concepts that no finding counts against. */
  readonly clean: number;
  /** Concepts at least one finding counts against. */
  readonly violated: number;
  /**
   * False when some files could not be fully parsed: their concepts and findings may be missing, so the score may
   * be too high. The formula says so.
   */
  readonly complete: boolean;
  /** The computation in words, e.g. `100 × 2 clean / 3 concepts = 66.67`. */
  readonly formula: string;
}

/**
 * Scores a tree: 100 × concepts with no violation / all concepts. Every finding counts, whatever its severity and
 * whether baselined, so the score describes the tree rather than the run.
 *
 * @param unparsedFiles - files with parse problems: the score is then marked incomplete
 */
export function computeScore(declared: Iterable<string>, findings: readonly Finding[], unparsedFiles = 0): Score {
  const concepts = new Set(declared);
  const violated = new Set<string>();
  for (const finding of findings) {
    for (const concept of finding.concepts) {
      concepts.add(concept);
      violated.add(concept);
    }
  }
  const clean = concepts.size - violated.size;
  const value = concepts.size === 0 ? 100 : Math.round((10000 * clean) / concepts.size) / 100;
  return {
    value,
    concepts: concepts.size,
    clean,
    violated: violated.size,
    complete: unparsedFiles === 0,
    formula:
      `100 × ${clean} clean / ${concepts.size} concepts = ${value}` +
      (unparsedFiles === 0
        ? ''
        : `, incomplete: ${unparsedFiles} file${unparsedFiles === 1 ? '' : 's'} with parse problems`),
  };
}
