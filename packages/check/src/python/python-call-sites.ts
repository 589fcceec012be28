import type { NewSiteFact } from '../facts.js';
import type { LineIndex } from '../line-index.js';
import { firstAtOrAfter } from '../sorted-search.js';

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

/** A member called as a class: CapWords in ASCII. */
const MEMBER_CLASS = /^_*[A-Z]\w*$/;

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
 * One regular expression, the same for every file, finds the calls of names written as classes; each is kept when
 * the name, or the namespace before it, is bound: far cheaper than searching the file once per bound name, or than
 * a regular expression of the file's own names, which would be compiled anew for every file. A namespace that is a
 * module counts only with its `.` right after it (`module .Name()` with a space before the dot is not seen).
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
  const sites: NewSiteFact[] = [];
  if (![...bound].some(([name, isModule]) => isModule || CLASS_NAME.test(name))) return sites;
  for (const { index, called } of classCalls(source)) {
    const namespace = namespaceBefore(source, index);
    let at = index;
    let name = called;
    let member: string | undefined;
    if (namespace !== undefined) {
      const isModule = bound.get(namespace.name);
      const reaches = isModule === true ? !namespace.spaced : isModule === false && CLASS_NAME.test(namespace.name);
      if (!reaches || !MEMBER_CLASS.test(called)) continue;
      ({ at, name } = namespace);
      member = called;
    } else if (bound.get(called) !== false) {
      continue;
    }
    if (isMemberOrDeclared(source, at) || isQuoted(quoted, at)) continue;
    sites.push({
      callee: member === undefined ? { name } : { name, member },
      text: member === undefined ? name : `${name}.${member}`,
      call: true,
      ...lines.position(at),
    });
  }
  return sites;
}

/**
 * Each call of a name written as a class (`_*[A-Z]` then name characters, spaces or tabs, then `(`), alone or as the
 * member of a namespace (`tracking.Tracker(`), in the order of the text: the whole name before each `(`, read
 * backwards from the `(`. (A regular expression with a look-behind, tried at every character of the file, took
 * more than twice as long.)
 */
function* classCalls(source: string): Generator<{ index: number; called: string }> {
  for (let paren = source.indexOf('('); paren >= 0; paren = source.indexOf('(', paren + 1)) {
    const end = runStart(source, paren, isSpace);
    const start = runStart(source, end, isNameChar);
    let first = start;
    while (first < end && source.charCodeAt(first) === 0x5f) first++;
    const char = source.charCodeAt(first);
    if (first < end && char >= 0x41 && char <= 0x5a) yield { index: start, called: source.slice(start, end) };
  }
}

/**
 * The name before the `.` (spaces allowed around it) that precedes the name at `at`, and whether spaces stand
 * between that name and its `.`; undefined when no `.` precedes.
 */
function namespaceBefore(source: string, at: number): { at: number; name: string; spaced: boolean } | undefined {
  const dot = dotBefore(source, at);
  if (dot < 0) return undefined;
  const end = runStart(source, dot, isSpace);
  const start = runStart(source, end, isNameChar);
  return { at: start, name: source.slice(start, end), spaced: end !== dot };
}

/** Where the `.` before `at` is, spaces or tabs allowed between; -1 when another character (or none) comes first. */
function dotBefore(source: string, at: number): number {
  const dot = runStart(source, at, isSpace) - 1;
  return source.charCodeAt(dot) === 0x2e ? dot : -1;
}

/** Where the run of characters that `accepts` and that ends at `end` starts (`end` itself for an empty run). */
function runStart(source: string, end: number, accepts: (code: number) => boolean): number {
  let start = end;
  while (start > 0 && accepts(source.charCodeAt(start - 1))) start--;
  return start;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** True when the name at `at` follows a `.` (a member of something else) or `def`/`class` (it is being declared). */
function isMemberOrDeclared(source: string, at: number): boolean {
  return dotBefore(source, at) >= 0 || DECLARES.test(source.slice(Math.max(0, at - 12), at));
}

/** True when `offset` lies inside one of the `quoted` ranges. */
function isQuoted(quoted: readonly number[], offset: number): boolean {
  const next = firstAtOrAfter(quoted, offset + 1, 2);
  const start = quoted[next - 2];
  const end = quoted[next - 1];
  return start !== undefined && end !== undefined && start <= offset && offset < end;
}
