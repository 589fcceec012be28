import { fileURLToPath } from 'node:url';

/** jscpd, the copy detector the checker is timed against, as npm installs it at the repository root. */
export const JSCPD = fileURLToPath(new URL('../../../../node_modules/.bin/jscpd', import.meta.url));

/** jscpd's arguments for checking `dir`: its JSON report written into the folder `output`, nothing printed. */
export function jscpdArgs(dir: string, output: string): string[] {
  return [dir, '--reporters', 'json', '--output', output, '--silent'];
}

/** Which of a cold check and jscpd took less time, and how many times less: `runwire cold 1.20× faster`. */
export function fasterOfTheTwo(runwireMs: number, jscpdMs: number): string {
  return runwireMs > jscpdMs
    ? `jscpd ${(runwireMs / jscpdMs).toFixed(2)}× faster`
    : `runwire cold ${(jscpdMs / runwireMs).toFixed(2)}× faster`;
}
