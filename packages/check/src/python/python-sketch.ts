import { firstAtOrAfter } from '../sorted-search.js';
import { PYTHON_KEYWORDS } from './python-keywords.js';

/** Flags of an ASCII character; every character from U+0080 up is {@link WORD} and {@link WORD_START}. */
const WORD = 1;
const WORD_START = 2;
const DIGIT = 4;
/** Layout and the punctuation the syntax tree does not need to tell code apart: parentheses, commas, colons. */
const LAYOUT = 8;

const ASCII = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code);
  ASCII[code] =
    (/\w/.test(char) ? WORD : 0) |
    (/[A-Za-z_]/.test(char) ? WORD_START : 0) |
    (/\d/.test(char) ? DIGIT : 0) |
    (/[\s(),:;\\]/.test(char) ? LAYOUT : 0);
}

/** The longest keyword: longer words need no lookup. */
const LONGEST_KEYWORD = 8;

/** Each keyword as the number {@link letterKey} gives its letters. */
const KEYWORD_KEYS: ReadonlySet<number> = new Set(
  PYTHON_KEYWORDS.map((keyword) =>
    letterKey(
      Uint16Array.from(keyword, (char) => char.charCodeAt(0)),
      0,
      keyword.length,
    ),
  ),
);

/** The code, with its strings made `0` and its comments gone, of the part being sketched (reused between parts). */
let code = new Uint16Array(1 << 12);

/**
 * A coarse fingerprint of Python code read from its text without parsing: strings become `0` and comments go (both
 * known from the scan), numbers become `0`, every word but a keyword `$`, layout and parentheses go. Code whose
 * syntax trees are equal after renaming has equal sketches, so only declarations whose sketches collide need their
 * exact shape; most have none in common. One copy of the character codes and one pass over them, with nothing
 * allocated per word: the sketch reads nearly every character of a file, and regular expressions with look-behinds,
 * replacing into new strings, cost several times as much.
 *
 * @param ranges - `[start, end)` of the parts that make up the shape, in order
 * @param quoted - the file's strings and comments, flattened and ascending (see `scanPython`)
 */
export function pythonSketch(
  source: string,
  ranges: readonly (readonly [number, number])[],
  quoted: readonly number[],
): string {
  const hash = new TextHash();
  for (const [start, end] of ranges) {
    if (code.length < end - start) code = new Uint16Array(end - start);
    hash.add(0x7c); // `|` between parts
    hashCode(codeText(source, start, end, quoted), hash);
  }
  return hash.digest();
}

/** Copies `source[start, end)` into {@link code}, each string as `0` and each comment left out; returns its length. */
function codeText(source: string, start: number, end: number, quoted: readonly number[]): number {
  let length = 0;
  let at = start;
  for (let q = firstAtOrAfter(quoted, start, 2); q < quoted.length; q += 2) {
    const from = quoted[q] ?? end;
    if (from >= end) break;
    for (let i = at; i < from; i++) code[length++] = source.charCodeAt(i);
    if (source.charCodeAt(from) !== 0x23) code[length++] = 0x30; // a string; a comment leaves nothing
    at = Math.min(end, quoted[q + 1] ?? end);
  }
  for (let i = at; i < end; i++) code[length++] = source.charCodeAt(i);
  return length;
}

/**
 * Hashes {@link code}'s first `length` codes as the sketch reads them: each number (a digit, or `.` and a digit, not
 * inside a word, with the letters, digits and dots after it) as `0`, every word but a keyword as `$`, layout and
 * parentheses left out. A number never starts inside a word, nor a word inside a number, so one pass does both.
 */
function hashCode(length: number, hash: TextHash): void {
  /** The last code the words step sees: the number's `0` after a number, else the last code read. */
  let before = -1;
  let i = 0;
  while (i < length) {
    const char = code[i] ?? 0;
    const kind = flags(char);
    const dotted = char === 0x2e && i + 1 < length && (flags(code[i + 1] ?? 0) & DIGIT) !== 0;
    if (((kind & DIGIT) !== 0 || dotted) && (i === 0 || (flags(code[i - 1] ?? 0) & WORD) === 0)) {
      i += dotted ? 2 : 1;
      while (i < length && isNumberRest(code[i] ?? 0)) i++;
      hash.add(0x30);
      before = 0x30;
    } else if ((kind & WORD_START) !== 0 && (before < 0 || (flags(before) & WORD) === 0)) {
      let end = i + 1;
      while (end < length && (flags(code[end] ?? 0) & WORD) !== 0) end++;
      if (end - i <= LONGEST_KEYWORD && KEYWORD_KEYS.has(letterKey(code, i, end))) {
        for (let k = i; k < end; k++) hash.add(code[k] ?? 0);
      } else {
        hash.add(0x24); // `$`
      }
      before = code[end - 1] ?? 0;
      i = end;
    } else {
      if ((kind & LAYOUT) === 0) hash.add(char);
      before = char;
      i++;
    }
  }
}

/** True for what may follow a number's first digit within it: ASCII letters, digits, `_` and `.`. */
function isNumberRest(char: number): boolean {
  return char === 0x2e || (char < 128 && ((ASCII[char] ?? 0) & WORD) !== 0);
}

/** The flags of a character code: those of the table for ASCII, a word's (or a space's) for the rest. */
function flags(char: number): number {
  if (char < 128) return ASCII[char] ?? 0;
  return isUnicodeSpace(char) ? WORD | WORD_START | LAYOUT : WORD | WORD_START;
}

/** The characters from U+0080 up that a regular expression's `\s` matches. */
function isUnicodeSpace(char: number): boolean {
  return (
    char === 0xa0 ||
    char === 0x1680 ||
    (char >= 0x2000 && char <= 0x200a) ||
    char === 0x2028 ||
    char === 0x2029 ||
    char === 0x202f ||
    char === 0x205f ||
    char === 0x3000 ||
    char === 0xfeff
  );
}

/**
 * The ASCII letters of `codes[start, end)` as one number, six bits a letter (at most eight letters fit a double
 * exactly), or -1 when another character is among them: a keyword is a word made of letters only.
 */
function letterKey(codes: Uint16Array, start: number, end: number): number {
  let key = 0;
  for (let i = start; i < end; i++) {
    const char = codes[i] ?? 0;
    const letter = char >= 0x61 && char <= 0x7a ? char - 0x60 : char >= 0x41 && char <= 0x5a ? char - 0x40 + 26 : 0;
    if (letter === 0) return -1;
    key = key * 64 + letter;
  }
  return key;
}

/**
 * Two 32-bit hashes of character codes, as 16 hex digits: FNV-1a, and one of the same form (xor, then multiply) with
 * MurmurHash2's multiplier and another start. A sketch only picks candidates for the exact shape (a SHA-1), so it
 * needs no cryptographic hash, and creating one per function costs more than all the rest of the sketch. Each step is
 * two integer multiplications: the 64-bit FNV-1a in doubles it replaced needed a division for its carry, and the
 * sketch step took 57 ms instead of 44 on Python's standard library.
 */
class TextHash {
  #first = 0x811c9dc5;
  #second = 0x2b992ddf;

  add(char: number): void {
    this.#first = Math.imul(this.#first ^ char, 0x01000193);
    this.#second = Math.imul(this.#second ^ char, 0x5bd1e995);
  }

  digest(): string {
    return (this.#first >>> 0).toString(16).padStart(8, '0') + (this.#second >>> 0).toString(16).padStart(8, '0');
  }
}
