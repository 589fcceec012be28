import { dirname, relative, sep } from 'node:path';

/**
 * The relative specifier with which `from` imports `to` under NodeNext rules: `./x.js` for `x.ts`, `./x.mjs` for
 * `x.mts`, and so on. Used in the fixes the rules suggest.
 */
export function moduleSpecifier(from: string, to: string): string {
  let path = relative(dirname(from), to).split(sep).join('/');
  path = path.replace(/\.(m|c)?tsx?$/, (_match, flavour: string | undefined) => `.${flavour ?? ''}js`);
  return path.startsWith('.') ? path : `./${path}`;
}
