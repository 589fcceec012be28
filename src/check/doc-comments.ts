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

  /** True when the TSDoc before `offset` contains `tag`. */
  has(offset: number, tag: string): boolean {
    return this.before(offset)?.includes(tag) ?? false;
  }
}
