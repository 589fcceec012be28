import { dirname, relative, sep } from 'node:path';
import { isPythonFile } from './python/python-file.js';
import { pythonAliasStatement } from './python/python-statements.js';

/**
 * The relative specifier with which `from` imports `to` under NodeNext rules: `./x.js` for `x.ts`, `./x.mjs` for
 * `x.mts`, and so on. Used in the fixes the rules suggest.
 */
export function moduleSpecifier(from: string, to: string): string {
  const key = `${from}\0${to}`;
  let specifier = SPECIFIERS.get(key);
  if (specifier === undefined) {
    let path = relative(dirname(from), to).split(sep).join('/');
    path = path.replace(/\.(m|c)?tsx?$/, (_match, flavour: string | undefined) => `.${flavour ?? ''}js`);
    specifier = path.startsWith('.') ? path : `./${path}`;
    if (SPECIFIERS.size >= MAX_REMEMBERED_SPECIFIERS) SPECIFIERS.clear();
    SPECIFIERS.set(key, specifier);
  }
  return specifier;
}

/** Specifiers computed before, by the two paths: each watch re-check suggests nearly the same fixes again. */
const SPECIFIERS = new Map<string, string>();

/** Past this many the memory is given back and the specifiers computed anew. */
const MAX_REMEMBERED_SPECIFIERS = 100_000;

/**
 * The statement with which module `from` re-exports `imported` of module `to` as `exported`, in `from`'s own module
 * system: `export { a as b } from './to.js'`, or for a CommonJS module `exports.b = require('./to.js').a`, or for
 * Python `from .to import a as b`. Without `to`, `from` aliases its own binding: `export { a as b }`,
 * `exports.b = a`, `b = a`.
 */
export function reexportStatement(
  commonJs: boolean,
  exported: string,
  imported: string,
  from: string,
  to?: string,
): string {
  if (isPythonFile(from)) return pythonAliasStatement(exported, imported, from, to);
  if (commonJs) {
    const value = to === undefined ? imported : `require('${moduleSpecifier(from, to)}').${imported}`;
    return `exports.${exported} = ${value}`;
  }
  const names = imported === exported ? exported : `${imported} as ${exported}`;
  return `export { ${names} }${to === undefined ? '' : ` from '${moduleSpecifier(from, to)}'`}`;
}

/** The statement with which module `from` imports `name` of module `to` as `local`, in `from`'s language. */
export function importStatement(name: string, local: string, from: string, to: string): string {
  if (isPythonFile(from)) return pythonAliasStatement(local, name, from, to);
  return `import { ${name}${local === name ? '' : ` as ${local}`} } from '${moduleSpecifier(from, to)}'`;
}
