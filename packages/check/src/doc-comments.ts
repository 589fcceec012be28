import type { Comment } from 'oxc-parser';

/** Finds the TSDoc block (`/** … *\/`) that directly precedes a statement. */
export class DocComments {
  readonly #source: string;
  readonly #blocks: readonly Comment[];

  constructor(source: string, comments: readonly Comment[]) {
    this.#source = source;
    this.#blocks = comments.filter((comment) => comment.type === 'Block' && comment.value.startsWith('*'));
  }

  /** The TSDoc text directly before `offset`, with only whitespace between. */
  before(offset: number): string | undefined {
    let low = 0;
    let high = this.#blocks.length - 1;
    let found: Comment | undefined;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const block = this.#blocks[mid];
      if (block === undefined) break;
      if (block.end <= offset) {
        found = block;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (found === undefined || this.#source.slice(found.end, offset).trim() !== '') return undefined;
    return found.value;
  }

  /**
   * The text after TSDoc tag `name` (e.g. `@deprecated`) in the comment before `offset`, up to the next tag; an
   * empty string for a tag without text; undefined when the tag is absent. A tag counts only as a word of its own
   * outside code spans, so prose such as "marked `@deprecated`" is not a tag.
   */
  tag(offset: number, name: string): string | undefined {
    const doc = this.before(offset);
    if (doc === undefined || !doc.includes(name)) return undefined;
    const prose = doc.replace(/`[^`]*`/g, ' ');
    const match = new RegExp(`(?:^|\\s)${name}(?![\\w-])([^@]*)`).exec(prose);
    return match === null ? undefined : (match[1] ?? '').replace(/\s*\*\s*/g, ' ').trim();
  }

  /** True when the TSDoc before `offset` has tag `name`. */
  has(offset: number, name: string): boolean {
    return this.tag(offset, name) !== undefined;
  }
}
