import type { NewSiteFact } from '../facts.js';
import type { LineIndex } from '../line-index.js';
import { firstQuotedAtOrAfter } from './python-sketch.js';

/** True for a character of a name (a call site's name must not be part of a longer one); NaN (no character) is not. */
function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code >= 0x80
  );
}

/** What may follow a name for a call of it or of a class in it: `(` or `.Member(`, spaces allowed. */
const CALL_AFTER_NAME = /[ \t]*(?:\(|\.[ \t]*(_*[A-Z]\w*)[ \t]*\()/y;

/** A class name as PEP 8 writes it: CapWords, maybe after underscores (`Tracker`, `_Tracker`). */
const CLASS_NAME = /^_*[A-Z]/;

/** `def` or `class` right before a name: it declares the name, it does not call it. */
const DECLARES = /\b(?:def|class)[ \t]+$/;

/**
 * The construction sites of a Python file: Python builds an object by calling its class, so every call of a
 * module-level name (`Tracker()`, or `tracking.Tracker()` through an imported module) is a candidate; the rules
 * keep those that resolve to a class. Only names written as classes are (CapWords, PEP 8's class names: `Tracker()`,
 * `tracking.Tracker()`); calls of other names (functions, locals, builtins) are not looked for, nor are members of
 * members (`x.a.B()`: the graph follows one level of namespace). Calls inside strings and comments are not calls.
 * The bound names are looked for all at once, by one regular expression of them, which is far cheaper than
 * matching every call in the file; a module's name only followed by its `.` (`re.` rather than every `re` in
 * `return`), so `module .Name()` with a space before the dot is not seen.
 *
 * @param bound - the names bound at the module's top level (imports, classes, aliases), each with true when it
 * binds a module (`import tracking`), whose members are called rather than itself
 * @param quoted - the file's strings and comments, flattened and ascending (see `scanPython`)
 */
export function pythonCallSites(
  source: string,
  bound: ReadonlyMap<string, boolean>,
  quoted: readonly number[],
  lines: LineIndex,
): NewSiteFact[] {
  const names = new Map<string, string>();
  for (const [name, isModule] of bound) {
    if (isModule || CLASS_NAME.test(name)) names.set(isModule ? `${name}.` : name, name);
  }
  if (names.size === 0) return [];
  const found: { at: number; name: string; member: string | undefined }[] = [];
  const needles = anyOf([...names.keys()]);
  for (let match = needles.exec(source); match !== null; match = needles.exec(source)) {
    const at = match.index;
    const name = names.get(match[0]) ?? match[0];
    if (isNameChar(source.charCodeAt(at - 1)) || isNameChar(source.charCodeAt(at + name.length))) continue;
    CALL_AFTER_NAME.lastIndex = at + name.length;
    const call = CALL_AFTER_NAME.exec(source);
    if (call === null || isMemberOrDeclared(source, at) || isQuoted(quoted, at)) continue;
    found.push({ at, name, member: call[1] });
  }
  return found.map(({ at, name, member }) => ({
    callee: member === undefined ? { name } : { name, member },
    text: member === undefined ? name : `${name}.${member}`,
    call: true,
    ...lines.position(at),
  }));
}

/**
 * A global regular expression that finds any of `needles`, the longest first where several start at one place: a
 * name found inside a longer one would not be a whole name, and the longer one would be passed over.
 */
function anyOf(needles: string[]): RegExp {
  const escaped = needles
    .sort((a, b) => b.length - a.length)
    .map((needle) => needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(escaped.join('|'), 'g');
}

/** True when the name at `at` follows a `.` (a member of something else) or `def`/`class` (it is being declared). */
function isMemberOrDeclared(source: string, at: number): boolean {
  let before = at - 1;
  while (before >= 0 && (source.charCodeAt(before) === 0x20 || source.charCodeAt(before) === 0x09)) before--;
  if (source.charCodeAt(before) === 0x2e /* . */) return true;
  return DECLARES.test(source.slice(Math.max(0, at - 12), at));
}

/** True when `offset` lies inside one of the `quoted` ranges. */
function isQuoted(quoted: readonly number[], offset: number): boolean {
  const next = firstQuotedAtOrAfter(quoted, offset + 1);
  const start = quoted[next - 2];
  const end = quoted[next - 1];
  return start !== undefined && end !== undefined && start <= offset && offset < end;
}
