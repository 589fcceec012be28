import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs one full garbage collection and resolves with the milliseconds it took; the server calls it once, after it has
 * loaded and built everything and before it listens.
 *
 * Why: start-up leaves several MB of long-lived objects (modules, schemas, routes) in V8's young generation, where
 * they wait for the next scavenge to be copied to the old one. Without this, that scavenge came with the first burst
 * of traffic: during the first 500-socket storm after start it paused the event loop for 10–30 ms on a 2-core machine
 * (`--trace-gc`: 8.5 MB promoted in one scavenge), every other user's round trip included. A full collection before
 * listening pays that once while no one waits; the scavenges under load then take 1–5 ms.
 *
 * Node exposes `gc` only with `--expose-gc`, which the server cannot ask of whoever starts it: the flag is set just
 * long enough to create one context that carries `gc`, so the process's own global gets no `gc`.
 */
export function settleHeap(): number {
  const started = performance.now();
  fullCollection()();
  return performance.now() - started;
}

function fullCollection(): () => void {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as () => void;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
