/**
 * Limits on the shape of every JSON value a client sends (docs/protocol.md §2), checked right after `JSON.parse` and
 * before any schema: a schema walks a value recursively, and a value nested a few thousand levels deep would overflow
 * the stack inside it. The byte size of a frame is bounded earlier, by `--max-frame-bytes`.
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
