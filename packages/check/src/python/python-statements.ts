import { dirname, relative, sep } from 'node:path';

/**
 * The module name with which the Python file `from` imports the file `to`, relative to `from`'s package: `.router`
 * for a sibling, `..core.tracker` one package up, `.pkg` for `pkg/__init__.py`. Used in the fixes the rules suggest.
 */
export function pythonModuleName(from: string, to: string): string {
  const parts = relative(dirname(from), to).split(sep);
  let up = 0;
  while (parts[0] === '..') {
    parts.shift();
    up++;
  }
  const last = (parts.pop() ?? '').replace(/\.py$/, '');
  if (last !== '__init__') parts.push(last);
  return `${'.'.repeat(up + 1)}${parts.join('.')}`;
}

/**
 * The statement with which the Python module `from` makes `exported` another name for `imported` of module `to`:
 * `from .router import Router as LegacyRouter`; without `to`, an alias of its own binding: `LegacyRouter = Router`.
 */
export function pythonAliasStatement(exported: string, imported: string, from: string, to?: string): string {
  if (to === undefined) return `${exported} = ${imported}`;
  return `from ${pythonModuleName(from, to)} import ${imported}${imported === exported ? '' : ` as ${exported}`}`;
}
