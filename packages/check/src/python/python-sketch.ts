import { createHash } from 'node:crypto';

/** Python's keywords: never a binding's name, so a sketch keeps them. */
const KEYWORDS =
  'False|None|True|and|as|assert|async|await|break|class|continue|def|del|elif|else|except|finally|for|from|global|if|import|in|is|lambda|nonlocal|not|or|pass|raise|return|try|while|with|yield';

/** Every word but a keyword becomes `$`, so renaming cannot change a sketch. */
const RENAMABLE_WORD = new RegExp(
  String.raw`(?<![\w\u0080-\uffff])(?!(?:${KEYWORDS})(?![\w\u0080-\uffff]))[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*`,
  'g',
);

/** Numbers (a sketch ignores constants, as the type-2 comparison does). */
const NUMBER = /(?<![\w\u0080-\uffff])\.?\d[\w.]*/g;

/** Layout and the punctuation the syntax tree does not need to tell code apart: parentheses, commas, colons. */
const LAYOUT = /[\s(),:;\\]+/g;

/**
 * A coarse fingerprint of Python code read from its text without parsing: strings become `0` and comments go (both
 * known from the scan), numbers become `0`, every word but a keyword `$`, layout and parentheses go. Code whose
 * syntax trees are equal after renaming has equal sketches, so only declarations whose sketches collide need their
 * exact shape; most have none in common.
 *
 * @param ranges - `[start, end)` of the parts that make up the shape, in order
 * @param quoted - the file's strings and comments, flattened and ascending (see `scanPython`)
 */
export function pythonSketch(
  source: string,
  ranges: readonly (readonly [number, number])[],
  quoted: readonly number[],
): string {
  const hash = createHash('sha1');
  for (const [start, end] of ranges) {
    let text = '';
    let at = start;
    for (let q = firstQuotedAtOrAfter(quoted, start); q < quoted.length; q += 2) {
      const from = quoted[q] ?? end;
      if (from >= end) break;
      text += source.slice(at, from);
      if (source.charCodeAt(from) !== 0x23) text += '0'; // a string; a comment leaves nothing
      at = Math.min(end, quoted[q + 1] ?? end);
    }
    text += source.slice(at, end);
    hash.update('|').update(text.replace(NUMBER, '0').replace(RENAMABLE_WORD, '$').replace(LAYOUT, ''));
  }
  return hash.digest('base64url').slice(0, 22);
}

/** The even index in `quoted` of the first range starting at or after `offset`. */
export function firstQuotedAtOrAfter(quoted: readonly number[], offset: number): number {
  let low = 0;
  let high = quoted.length >> 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((quoted[mid * 2] ?? 0) < offset) low = mid + 1;
    else high = mid;
  }
  return low * 2;
}
