import type { Position } from './facts.js';
import { firstAfter } from './sorted-search.js';

/** Maps character offsets of one source text to 1-based line and column positions. */
export class LineIndex {
  readonly #lineStarts: number[] = [0];

  constructor(source: string) {
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) this.#lineStarts.push(i + 1);
  }

  /** The position of `offset`; offsets past the end map to the last line. */
  position(offset: number): Position {
    // The last line starting at or before it (the first line for an offset before 0).
    const index = Math.max(0, firstAfter(this.#lineStarts, offset) - 1);
    return { line: index + 1, column: offset - (this.#lineStarts[index] ?? 0) + 1 };
  }
}
