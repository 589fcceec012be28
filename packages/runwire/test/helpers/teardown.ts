/**
 * What a test has set up and must take down however it ends. Each step is added as soon as its thing exists (a
 * process, a server, a socket), so a `before` or a test that fails half-way still takes down what it had started.
 * `run()` runs the steps last-in first-out, every one of them even when an earlier one failed, each bounded by a
 * timeout, then throws what failed. Without it, a cluster that failed to start left its private redis-server
 * running, and the test file waited for that child process forever instead of ending with the failure.
 */
export class Teardown {
  readonly #steps: Array<{ readonly what: string; readonly run: () => unknown }> = [];

  /** Adds a step, e.g. `teardown.add('the private Redis', () => redis.dispose())`. */
  add(what: string, run: () => unknown): void {
    this.#steps.push({ what, run });
  }

  /** Runs and forgets every step, newest first; each one may take `stepTimeoutMs` before it counts as failed. */
  async run(stepTimeoutMs = 20_000): Promise<void> {
    const failures: Error[] = [];
    for (let step = this.#steps.pop(); step !== undefined; step = this.#steps.pop()) {
      try {
        await runBounded(step.run, stepTimeoutMs, step.what);
      } catch (error) {
        failures.push(new Error(`Teardown of ${step.what} failed: ${(error as Error).message}`, { cause: error }));
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} teardown steps failed`);
  }
}

async function runBounded(run: () => unknown, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} was not taken down within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(run), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
