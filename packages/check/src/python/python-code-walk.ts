import { firstAtOrAfter } from '../sorted-search.js';

/** What {@link PythonCodeWalk.next} returns past the end of the range. */
export const END_OF_CODE = -1;

/** What {@link PythonCodeWalk.next} returns at the start of a comment (a second call passes over it). */
export const COMMENT_START = -2;

/**
 * Steps through the code of one logical line, `source[from, end)`, as the scan's cuts read it: strings are passed
 * over whole, a comment is announced and then passed over, a backslash takes the character after it along, and the
 * depth of `(`, `[` and `{` is kept. The strings and comments come from the scan, so nothing is tokenised again.
 */
export class PythonCodeWalk {
  readonly #source: string;
  readonly #end: number;
  readonly #quoted: readonly number[];
  /** The first quoted range not yet passed. */
  #q: number;
  /** Where the next character is read. */
  #next: number;
  /** Where the character (or comment) last returned is. */
  at: number;
  /** Brackets open after the character last returned. */
  depth = 0;

  /** @param quoted - the strings and comments, flattened and ascending (see `scanPython`) */
  constructor(source: string, from: number, end: number, quoted: readonly number[]) {
    this.#source = source;
    this.#end = end;
    this.#quoted = quoted;
    this.#q = firstAtOrAfter(quoted, from, 2);
    this.#next = from;
    this.at = from;
  }

  /** The next character code of code, {@link COMMENT_START} at a comment, or {@link END_OF_CODE}. */
  next(): number {
    const quoted = this.#quoted;
    const end = this.#end;
    let i = this.#next;
    for (;;) {
      if (i >= end) {
        this.at = end;
        return END_OF_CODE;
      }
      while ((quoted[this.#q] ?? end) < i) this.#q += 2; // passed over by a backslash (a syntax error): keep in step
      if (i !== quoted[this.#q]) break;
      const start = i;
      i = quoted[this.#q + 1] ?? end;
      this.#q += 2;
      if (this.#source.charCodeAt(start) === 0x23) {
        this.at = start;
        this.#next = i;
        return COMMENT_START;
      }
    }
    const char = this.#source.charCodeAt(i);
    if (char === 0x28 || char === 0x5b || char === 0x7b) this.depth++;
    else if (char === 0x29 || char === 0x5d || char === 0x7d) this.depth--;
    this.at = i;
    this.#next = i + (char === 0x5c ? 2 : 1); // a backslash continues the line: the next character is not code
    return char;
  }
}
