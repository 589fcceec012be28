import { sep } from 'node:path';

/** A path with `/` between its parts, as globs, reports and fingerprints use it, whatever the platform. */
export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
