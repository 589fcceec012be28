/**
 * Collects what code under test writes through `console.warn` and `console.error` (the AG-UI client reports anything
 * it had to repair or could not verify there), from `start()` until `restore()`.
 */
export class ConsoleCapture {
  /** The arguments of each call, in order. */
  readonly calls: unknown[][] = [];
  readonly #warn = console.warn;
  readonly #error = console.error;

  start(): void {
    console.warn = (...args: unknown[]) => this.calls.push(args);
    console.error = (...args: unknown[]) => this.calls.push(args);
  }

  restore(): void {
    console.warn = this.#warn;
    console.error = this.#error;
  }
}
