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
  let text = '';
  for (const [start, end] of ranges) {
    let part = '';
    let at = start;
    for (let q = firstQuotedAtOrAfter(quoted, start); q < quoted.length; q += 2) {
      const from = quoted[q] ?? end;
      if (from >= end) break;
      part += source.slice(at, from);
      if (source.charCodeAt(from) !== 0x23) part += '0'; // a string; a comment leaves nothing
      at = Math.min(end, quoted[q + 1] ?? end);
    }
    part += source.slice(at, end);
    text += `|${part.replace(NUMBER, '0').replace(RENAMABLE_WORD, '$').replace(LAYOUT, '')}`;
  }
  return textHash(text);
}

/**
 * A 64-bit FNV-1a hash of `text`, as 16 hex digits. A sketch only picks candidates for the exact shape (a SHA-1), so
 * it needs no cryptographic hash, and creating one per function costs more than all the rest of the sketch.
 */
function textHash(text: string): string {
  // Two 32-bit halves: FNV-1a's 64-bit prime is 2^40 + 0x1b3.
  let low = 0x84222325;
  let high = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    low ^= text.charCodeAt(i);
    const lowProduct = low * 0x1b3;
    const carry = Math.floor(lowProduct / 0x100000000);
    high = (Math.imul(high, 0x1b3) + Math.imul(low, 0x100) + carry) >>> 0;
    low = lowProduct >>> 0;
  }
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
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
