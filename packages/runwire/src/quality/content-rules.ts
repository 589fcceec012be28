/** What a rule is given: the content, its declared type (lowercased, default `text`) and the strict flag. */
export interface ContentInput {
  readonly content: string;
  readonly contentType: string;
  readonly strict: boolean;
}

/** One match of a rule, before it becomes a wire `ContentIssue` (with the rule id, line and column): where (`[start, end)`, UTF-16 offsets) and what. */
export interface ContentRuleMatch {
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

/** One validation rule: an id clients can rely on, a severity, and what it finds. */
export interface ContentRule {
  readonly id: string;
  readonly severity: 'error' | 'warning';
  /** One line for the docs table. */
  readonly description: string;
  check(input: ContentInput): ContentRuleMatch[];
}

/** Fewest non-blank characters a content of each type should have; other types use `text`'s. */
export const MIN_CHARS: Readonly<Record<string, number>> = { text: 10, markdown: 20, json: 2, code: 5 };

const PLACEHOLDERS: ReadonlyArray<{ pattern: RegExp; what: string }> = [
  { pattern: /\blorem ipsum\b/gi, what: 'lorem ipsum filler' },
  { pattern: /\b(?:TODO|FIXME|TBD)\b/g, what: 'a to-do marker' },
  { pattern: /\[\s*insert\b[^\]\n]*\]/gi, what: 'an [insert …] slot' },
];

/** A fence line: up to three spaces, then three or more backticks or tildes. */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** A Markdown link or autolink whose target is a `javascript:` URL (any case, spaces or `<` before it). */
// No two adjacent unbounded quantifiers share a character class: a long run of spaces cannot make it backtrack.
const JAVASCRIPT_LINK = /\]\(\s*(?:<\s*)?javascript\s*:|<\s*javascript\s*:[^>\s]*>/gi;

/** Shortest paragraph (after collapsing spaces) that counts as repeated. */
const MIN_REPEATED_CHARS = 20;

function isBlank(content: string): boolean {
  return content.trim().length === 0;
}

/**
 * The rules of `validate_content`, in the order their issues are listed. Documented in docs/protocol.md ("Content
 * validation rules"); each has tests in test/quality/content-rules.test.ts.
 */
export const CONTENT_RULES: readonly ContentRule[] = [
  {
    id: 'empty',
    severity: 'error',
    description: 'The content is empty or only whitespace.',
    check: ({ content }) =>
      isBlank(content) ? [{ start: 0, end: content.length, message: 'The content is empty or only whitespace' }] : [],
  },
  {
    id: 'too-short',
    severity: 'warning',
    description: 'Fewer non-blank characters than its type needs (text 10, markdown 20, json 2, code 5).',
    check: ({ content, contentType }) => {
      if (isBlank(content)) return [];
      const min = MIN_CHARS[contentType] ?? (MIN_CHARS.text as number);
      const length = content.trim().length;
      return length < min
        ? [
            {
              start: 0,
              end: content.length,
              message: `Only ${length} characters; ${contentType} content needs at least ${min}`,
            },
          ]
        : [];
    },
  },
  {
    id: 'placeholder',
    severity: 'warning',
    description: 'Placeholder text left in: lorem ipsum, TODO / FIXME / TBD, or an `[insert …]` slot.',
    check: ({ content }) => {
      const findings: ContentRuleMatch[] = [];
      for (const { pattern, what } of PLACEHOLDERS) {
        for (const match of content.matchAll(pattern)) {
          findings.push({
            start: match.index,
            end: match.index + match[0].length,
            message: `Placeholder text (${what}): '${match[0]}'`,
          });
        }
      }
      return findings.sort((a, b) => a.start - b.start);
    },
  },
  {
    id: 'unbalanced-code-fence',
    severity: 'error',
    description: 'A Markdown code fence (``` or ~~~) that is opened and never closed.',
    check: ({ content }) => {
      let open: { start: number; end: number; marker: string } | undefined;
      let offset = 0;
      for (const line of content.split('\n')) {
        const fence = FENCE.exec(line)?.[1];
        if (fence !== undefined) {
          if (open === undefined) open = { start: offset, end: offset + line.length, marker: fence };
          else if (fence[0] === open.marker[0] && fence.length >= open.marker.length && line.trim() === fence) {
            open = undefined;
          }
        }
        offset += line.length + 1;
      }
      return open === undefined
        ? []
        : [
            {
              start: open.start,
              end: open.end,
              message: `The code fence '${open.marker}' opened here is never closed`,
            },
          ];
    },
  },
  {
    id: 'javascript-link',
    severity: 'error',
    description: 'A Markdown link or autolink whose target is a `javascript:` URL.',
    check: ({ content }) =>
      [...content.matchAll(JAVASCRIPT_LINK)].map((match) => ({
        start: match.index,
        end: match.index + match[0].length,
        message: 'A link with a javascript: target runs code when clicked; use an http(s) link',
      })),
  },
  {
    id: 'invalid-json',
    severity: 'error',
    description: 'With `contentType: "json"`: the content does not parse as JSON.',
    check: ({ content, contentType }) => {
      if (contentType !== 'json' || isBlank(content)) return [];
      const reason = jsonError(content);
      if (reason === undefined) return [];
      const start = jsonErrorOffset(content);
      return [{ start, end: Math.min(start + 1, content.length), message: `Not valid JSON: ${reason}` }];
    },
  },
  {
    id: 'repeated-paragraph',
    severity: 'warning',
    description: `Strict mode only: a paragraph (${MIN_REPEATED_CHARS}+ characters) that repeats an earlier one.`,
    check: ({ content, strict }) => {
      if (!strict) return [];
      const seen = new Map<string, number>();
      const findings: ContentRuleMatch[] = [];
      const paragraph = /[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*/g;
      for (const match of content.matchAll(paragraph)) {
        const normalized = match[0].replace(/\s+/g, ' ').trim().toLowerCase();
        if (normalized.length < MIN_REPEATED_CHARS) continue;
        const first = seen.get(normalized);
        if (first === undefined) {
          seen.set(normalized, match.index);
          continue;
        }
        findings.push({
          start: match.index,
          end: match.index + match[0].length,
          message: `This paragraph repeats the one at line ${lineAndColumn(content, first).line}`,
        });
      }
      return findings;
    },
  },
];

/** The 1-based line and column of a UTF-16 offset. */
export function lineAndColumn(content: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = content.indexOf('\n'); i !== -1 && i < offset; i = content.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Why `text` is not JSON, or `undefined` when it is. */
function jsonError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The offset where JSON breaks: the end of the longest prefix that could still begin a valid document (it parses,
 * or fails only for ending too early). Prefixes of such a prefix are such prefixes too, so a binary search finds it;
 * V8's messages name a position for some errors only.
 */
function jsonErrorOffset(text: string): number {
  const viable = (length: number): boolean => {
    const reason = jsonError(text.slice(0, length));
    if (reason === undefined || reason.includes('end of JSON input')) return true;
    const position = /position (\d+)/.exec(reason)?.[1];
    return position !== undefined && Number(position) >= length;
  };
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (viable(mid)) low = mid;
    else high = mid - 1;
  }
  return Math.min(low, Math.max(0, text.length - 1));
}
