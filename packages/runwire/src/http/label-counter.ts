import { Counter, type Registry } from 'prom-client';

/**
 * A Prometheus counter with one label, for counts taken on every frame or event. `inc` only adds to a `Map` entry;
 * the totals are handed to prom-client when the registry is scraped, so the hot path never builds a label object or
 * hashes it (prom-client does both on each `inc`). The exposition is the same as a plain labelled `Counter`'s.
 *
 * @example
 * const frames = new LabelCounter({ name: 'app_frames_total', help: 'Frames, by type', label: 'type', registry });
 * frames.inc('ping');
 */
export class LabelCounter {
  readonly #counts = new Map<string, number>();

  constructor(options: { name: string; help: string; label: string; registry: Registry }) {
    const counts = this.#counts;
    const label = options.label;
    new Counter({
      name: options.name,
      help: options.help,
      labelNames: [label],
      registers: [options.registry],
      collect() {
        this.reset();
        for (const [value, count] of counts) this.inc({ [label]: value }, count);
      },
    });
  }

  /** Adds `count` (default 1) to the series whose label is `value`. */
  inc(value: string, count = 1): void {
    this.#counts.set(value, (this.#counts.get(value) ?? 0) + count);
  }
}
