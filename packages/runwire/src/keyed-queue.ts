/**
 * Runs work one piece at a time per key (a user's events, a run's record writes), different keys independently.
 * Keys with nothing queued hold no memory. A piece that fails does not stop the pieces after it.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every piece queued earlier under `key`; resolves or rejects with its outcome. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (this.#tails.get(key) ?? Promise.resolve()).then(work);
    // The tail never rejects, so the next piece runs whatever this one did, and an ignored `next` is still handled.
    const tail = next.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }

  /** Resolves when every piece queued so far (and any queued meanwhile) has settled. */
  async drain(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
