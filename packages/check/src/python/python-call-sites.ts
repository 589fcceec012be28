import type { NewSiteFact } from '../facts.js';
import type { LineIndex } from '../line-index.js';
import { firstQuotedAtOrAfter } from './python-sketch.js';

/**
 * A call of a name or of `name.member`, not itself a member (`x.a.B(` is left out: the graph follows one level of
 * namespace), and not the name a `def` or `class` declares.
 */
const CALL =
  /(?<![\w\u0080-\uffff])(?<!\.\s*)(?<!\b(?:def|class)\s+)([A-Za-z_]\w*)(?:[ \t]*\.[ \t]*([A-Za-z_]\w*))?[ \t]*\(/g;

/**
 * The construction sites of a Python file: Python builds an object by calling its class, so every call of a
 * module-level name (`Tracker()`, or `tracking.Tracker()` through an imported module) is a candidate; the rules
 * keep those that resolve to a class. Calls of other names (locals, builtins) cannot lead to a class of the tree
 * through the module's bindings and are not kept. Calls inside strings and comments are not calls.
 *
 * @param bound - the names bound at the module's top level (imports, classes, functions, aliases)
 * @param quoted - the file's strings and comments, flattened and ascending (see `scanPython`)
 */
export function pythonCallSites(
  source: string,
  bound: ReadonlySet<string>,
  quoted: readonly number[],
  lines: LineIndex,
): NewSiteFact[] {
  const sites: NewSiteFact[] = [];
  if (bound.size === 0) return sites;
  for (const match of source.matchAll(CALL)) {
    const name = match[1];
    if (name === undefined || !bound.has(name) || isQuoted(quoted, match.index)) continue;
    const member = match[2];
    const text = member === undefined ? name : `${name}.${member}`;
    sites.push({
      callee: member === undefined ? { name } : { name, member },
      text,
      call: true,
      ...lines.position(match.index),
    });
  }
  return sites;
}

/** True when `offset` lies inside one of the `quoted` ranges. */
function isQuoted(quoted: readonly number[], offset: number): boolean {
  const next = firstQuotedAtOrAfter(quoted, offset + 1);
  const start = quoted[next - 2];
  const end = quoted[next - 1];
  return start !== undefined && end !== undefined && start <= offset && offset < end;
}
