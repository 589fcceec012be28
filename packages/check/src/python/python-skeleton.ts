import { firstAfter } from '../sorted-search.js';
import type { PythonScan } from './python-scan.js';

/** Strings longer than this are text, not a name the facts read (`__all__` entries, `"__main__"`): their inside is cut. */
const LONG_STRING = 64;

/**
 * The text tree-sitter parses for the facts: the source with what the facts never read cut out. Every offset of the
 * text maps back to the source, where positions are computed, so a cut keeps no line breaks but the one that ends
 * it. Cut: the bodies of functions (each becomes `0`, a statement, so the `def` still parses; a function's sketch is
 * read from the source text and its calls found in it), whole methods (decorators, header and body; a constructor
 * of at most two statements calling `super` stays), the simple statements of classes and the values of module-level assignments
 * (see `simpleStatementCut`; each becomes `0`), the text of comments (`#` stays), the inside of triple-quoted and
 * long strings (docstrings, messages: the quotes stay), and the values of long module-level assignments (tables). tree-sitter
 * spends as much on layout and comments as on code, so cutting beats blanking with spaces.
 */
export class PythonSkeleton {
  /** The text to parse. */
  readonly text: string;
  /** Where each cut ends in the text, ascending. */
  readonly #cutEnds: number[] = [];
  /** Where each cut starts in the text. */
  readonly #cutStarts: number[] = [];
  /** Where each cut ends in the source. */
  readonly #sourceEnds: number[] = [];
  /** How many characters were removed up to and including each cut. */
  readonly #removed: number[] = [];

  constructor(source: string, scan: PythonScan) {
    const parts: string[] = [];
    let copied = 0;
    let removed = 0;
    let length = 0;
    const cut = (start: number, end: number, stand: string): void => {
      const kept = source.slice(copied, start);
      // A cut that ends at the start of a line (a body) ends what stands in for it with one line break; one that
      // ends inside a line (a statement) leaves the rest of the line, its comment included, where it was.
      const breaks = stand !== '' && end > start && source.charCodeAt(end - 1) === 0x0a ? '\n' : '';
      parts.push(kept, stand, breaks);
      this.#cutStarts.push(length + kept.length);
      this.#sourceEnds.push(end);
      length += kept.length + stand.length + breaks.length;
      removed += end - start - stand.length - breaks.length;
      this.#cutEnds.push(length);
      this.#removed.push(removed);
      copied = end;
    };
    const { bodies, quoted } = scan;
    let body = 0;
    for (let q = 0; q < quoted.length; q += 2) {
      const start = quoted[q] ?? 0;
      const end = quoted[q + 1] ?? 0;
      for (let next = bodies[body]; next !== undefined && next[0] <= start; next = bodies[++body]) {
        cut(next[0], next[1], next[2] ?? '0');
      }
      if (start < copied) continue; // inside a body already cut
      if (source.charCodeAt(start) === 0x23) {
        if (end > start + 1) cut(start + 1, end, '');
      } else if (end - start >= 6 && isTripleQuoted(source, start, end)) {
        cut(start + 3, end - 3, '');
      } else if (end - start > LONG_STRING && source.charCodeAt(end - 1) === source.charCodeAt(start)) {
        cut(start + 1, end - 1, '');
      }
    }
    for (let next = bodies[body]; next !== undefined; next = bodies[++body]) cut(next[0], next[1], next[2] ?? '0');
    parts.push(source.slice(copied));
    this.text = copied === 0 ? source : parts.join('');
  }

  /** The offset in the source of `offset` in the text, which is not inside a cut (where a node starts). */
  toSource(offset: number): number {
    const cuts = firstAfter(this.#cutEnds, offset); // how many cuts end at or before it
    return offset + (cuts === 0 ? 0 : (this.#removed[cuts - 1] ?? 0));
  }

  /** The offset in the source of `offset` in the text where a node ends: inside a cut, the end of what was cut. */
  toSourceEnd(offset: number): number {
    const cuts = firstAfter(this.#cutEnds, offset);
    const next = this.#cutStarts[cuts];
    if (next !== undefined && next < offset) return this.#sourceEnds[cuts] ?? offset;
    return this.toSource(offset);
  }
}

/** True for a terminated `'''…'''` or `"""…"""` string spanning `source[start, end)`. */
function isTripleQuoted(source: string, start: number, end: number): boolean {
  const quote = source.charCodeAt(start);
  return (
    source.charCodeAt(start + 1) === quote &&
    source.charCodeAt(start + 2) === quote &&
    source.charCodeAt(end - 1) === quote &&
    source.charCodeAt(end - 2) === quote &&
    source.charCodeAt(end - 3) === quote &&
    source.charCodeAt(end - 4) !== 0x5c // not an escaped quote ending an unterminated string
  );
}
