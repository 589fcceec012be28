import { InvalidArgumentError } from '../errors.js';

/** Names of agents and tools: lower-case words joined by `_` or `-`. */
export const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** A set of named definitions (agents or tools); names are unique. */
export class NamedRegistry<T extends { readonly name: string }> {
  readonly #items = new Map<string, T>();
  readonly #kind: string;

  constructor(kind: string, items: Iterable<T> = []) {
    this.#kind = kind;
    for (const item of items) this.register(item);
  }

  /** Adds a definition. @throws InvalidArgumentError when the name is taken. */
  register(item: T): this {
    if (this.#items.has(item.name)) {
      throw new InvalidArgumentError(`A ${this.#kind} named '${item.name}' is already registered`);
    }
    this.#items.set(item.name, item);
    return this;
  }

  get(name: string): T | undefined {
    return this.#items.get(name);
  }

  has(name: string): boolean {
    return this.#items.has(name);
  }

  names(): string[] {
    return [...this.#items.keys()].sort();
  }

  list(): T[] {
    return this.names().map((n) => this.#items.get(n)!);
  }
}
