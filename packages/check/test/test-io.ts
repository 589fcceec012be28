// In-memory streams for runCheck, so a test reads exactly what the command printed.
import type { CheckIo } from '../src/run-check.js';

/** Streams that keep what is written, with a chosen TTY flag. */
export function captureIo(
  cwd: string,
  options: { tty?: boolean; noColor?: boolean; signal?: AbortSignal } = {},
): CheckIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { isTTY: options.tty ?? false, write: (text: string) => (out += text) },
    stderr: { isTTY: false, write: (text: string) => (err += text) },
    cwd,
    noColor: options.noColor ?? true,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    out: () => out,
    err: () => err,
  };
}
