import type { ContentIssue } from '../protocol/quality-frames.js';
import { CONTENT_RULES, type ContentRule, lineAndColumn } from './content-rules.js';

/** Issues reported per rule at most (a text of 8,000 `TODO`s gets the first 50; its score is 0 anyway). */
export const MAX_ISSUES_PER_RULE = 50;

/** Points taken from 100 per issue. */
const PENALTY = { error: 25, warning: 10 } as const;

/** The verdict of `validateContent`. */
export interface ContentValidation {
  readonly valid: boolean;
  readonly score: number;
  readonly issues: ContentIssue[];
}

/**
 * Runs every rule of `rules` on the content. `valid` means no issue of severity `error`; in strict mode every
 * warning counts as an error (and is reported so). The score is 100 minus 25 per error and 10 per warning, at
 * least 0. `contentType` is compared lowercased; absent, it is `text`.
 */
export function validateContent(
  input: { content: string; contentType?: string | undefined; strict?: boolean | undefined },
  rules: readonly ContentRule[] = CONTENT_RULES,
): ContentValidation {
  const strict = input.strict === true;
  const ruleInput = { content: input.content, contentType: (input.contentType ?? 'text').toLowerCase(), strict };
  const issues: ContentIssue[] = [];
  for (const rule of rules) {
    const severity = strict ? 'error' : rule.severity;
    for (const finding of rule.check(ruleInput).slice(0, MAX_ISSUES_PER_RULE)) {
      issues.push({ rule: rule.id, severity, ...finding, ...lineAndColumn(input.content, finding.start) });
    }
  }
  const score = Math.max(0, 100 - issues.reduce((sum, issue) => sum + PENALTY[issue.severity], 0));
  return { valid: issues.every((issue) => issue.severity !== 'error'), score, issues };
}
