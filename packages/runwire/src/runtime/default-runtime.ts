import { InvalidArgumentError } from '../errors.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './create-runtime.js';

let defaultRuntime: Runtime | undefined;

/** The process's default runtime, created on first use with memory stores unless `initDefaultRuntime` ran first. */
export function getDefaultRuntime(): Runtime {
  defaultRuntime ??= createRuntime();
  return defaultRuntime;
}

/**
 * Creates the default runtime with these options (the server does this at start, so `getExecutionTracker()` in
 * the process is the server's tracker). @throws when the default runtime already exists.
 */
export function initDefaultRuntime(options: RuntimeOptions): Runtime {
  if (defaultRuntime !== undefined) {
    throw new InvalidArgumentError('The default runtime already exists; call initDefaultRuntime() before first use');
  }
  defaultRuntime = createRuntime(options);
  return defaultRuntime;
}
