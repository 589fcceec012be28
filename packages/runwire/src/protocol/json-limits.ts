/**
 * Limits on the shape of every JSON value a client sends (docs/protocol.md §2), checked before any schema: a schema
 * walks a value recursively, and a value nested a few thousand levels deep would overflow the stack inside it. The
 * nesting is checked on the text, before `JSON.parse` (which takes about a millisecond for 10 KB of deep nesting on a
 * slow machine, against microseconds for this scan); the rest right after it. The byte size of a frame is bounded
 * earlier, by `--max-frame-bytes`.
 */

/** Deepest nesting of objects and arrays in one client frame; the frame object itself is level 1. */
export const MAX_JSON_DEPTH = 64;

/** Most JSON values (objects, arrays, strings, numbers, booleans, nulls) in one client frame. */
export const MAX_JSON_VALUES = 10_000;

/** Why a value breaks the limits: the path of the offending place (dot-separated, `''` for the root) and a message. */
export interface JsonLimitIssue {
  readonly path: string;
  readonly message: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Index of the first character at or after `from` that is not JSON whitespace. */
function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  return i;
}

/**
 * Scans JSON text, without parsing it, for nesting deeper than `maxDepth` (objects and arrays; the outermost is level
 * 1). When it finds some, it stops there and returns the issue with the frame's top-level `"id"` string if one came
 * before (clients write `type` and `id` first), so that the refusal can still carry the request id; otherwise
 * `undefined`. Text that is not JSON may pass: `JSON.parse` judges it next. Linear, with no recursion.
 */
export function textNestingIssue(
  text: string,
  maxDepth: number = MAX_JSON_DEPTH,
): { readonly issue: JsonLimitIssue; readonly id: string | undefined } | undefined {
  let depth = 0;
  let id: string | undefined;
  let lastKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      while (end < text.length && text.charCodeAt(end) !== QUOTE) end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
      if (depth === 1) {
        const literal = text.slice(i, end + 1);
        const isKey = text.charCodeAt(skipSpace(text, end + 1)) === COLON;
        if (isKey) lastKey = literal;
        else if (lastKey === '"id"') id = parsedString(literal);
      }
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > maxDepth) {
        return { issue: { path: '', message: `nested deeper than ${maxDepth} levels (the limit)` }, id };
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return undefined;
}

/** A JSON string literal's value, if it is one of at most 64 characters (a request id). */
function parsedString(literal: string): string | undefined {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' && value.length > 0 && value.length <= 64 ? value : undefined;
  } catch {
    return undefined;
  }
}

interface Pending {
  readonly value: unknown;
  readonly depth: number;
  readonly path: string;
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/**
 * The first place where `value` (as made by `JSON.parse`) breaks a limit, or `undefined` when it keeps all of them:
 * nesting deeper than `MAX_JSON_DEPTH`, more than `MAX_JSON_VALUES` values, or an own `__proto__` key (which
 * `JSON.parse` keeps as plain data but object handling downstream would drop or misread). The walk uses its own
 * stack and stops at the first issue, so its cost is bounded by the limits, never by the input.
 */
export function jsonLimitIssue(
  value: unknown,
  limits: { readonly maxDepth: number; readonly maxValues: number } = {
    maxDepth: MAX_JSON_DEPTH,
    maxValues: MAX_JSON_VALUES,
  },
): JsonLimitIssue | undefined {
  const stack: Pending[] = [{ value, depth: 1, path: '' }];
  let seen = 0;
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    seen++;
    if (seen > limits.maxValues) {
      return { path: next.path, message: `the frame holds more than ${limits.maxValues} JSON values (the limit)` };
    }
    const current = next.value;
    if (current === null || typeof current !== 'object') continue;
    if (next.depth > limits.maxDepth) {
      return { path: next.path, message: `nested deeper than ${limits.maxDepth} levels (the limit)` };
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        stack.push({ value: current[i], depth: next.depth + 1, path: join(next.path, i) });
      }
      continue;
    }
    for (const key of Object.keys(current)) {
      if (key === '__proto__') return { path: join(next.path, key), message: 'the key "__proto__" is not accepted' };
      stack.push({
        value: (current as Record<string, unknown>)[key],
        depth: next.depth + 1,
        path: join(next.path, key),
      });
    }
  }
  return undefined;
}
