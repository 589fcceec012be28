import { COMMENT_START, END_OF_CODE, PythonCodeWalk } from './python-code-walk.js';
import { PYTHON_KEYWORDS } from './python-keywords.js';

/** `name =` or `name: type =` (no string in the type) at the start of a statement, up to where the value starts. */
const ASSIGNMENT_HEAD = /[A-Za-z_]\w*[ \t]*(?::[^=\n'"#]*)?=(?!=)[ \t]*/y;

/** `Name` or `module.Name` (or deeper): a value that may make the assignment an alias, which the facts read. */
const DOTTED_NAME =
  /^[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*(?:[ \t]*\.[ \t]*[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)*$/;

/**
 * A character that starts a statement that may be cut: an ASCII name's (a byte order mark or another invisible
 * character before a statement is no name, and tree-sitter passes over it).
 */
const NAME_START = /[A-Za-z_]/;

/** The end of a name starting at the search position. */
const NAME_END = /[\w\u0080-\uffff]*/y;

const KEYWORDS: ReadonlySet<string> = new Set(PYTHON_KEYWORDS);

/**
 * What of a simple statement (a logical line that opens no block, outside functions) the facts never read, so the
 * parser need not see it: in a class body, the whole statement (only how many members a class has and which are
 * empty count, and a statement that starts with a name is one member that is not empty); elsewhere, an expression
 * statement that assigns nothing (`decoding_map.update({…})`), or the value of `name = …` unless it is a name or
 * `module.Name` (an alias) or the name is `__all__`. Each cut stands for one `0`: the statement still counts, the
 * assignment still binds its name. Only statements that start with a name (not a keyword, not a string's prefix)
 * are cut, never one with a `;` (several statements), and never a trailing comment, which tree-sitter places
 * beside the statement. What is cut is not checked for syntax errors, like a function's body; Python 2's `print`
 * and `exec` statements, which tree-sitter reads only in part (`exec 'code' % name` is an error), are kept.
 *
 * @param first - where the statement starts in `source`
 * @param end - where its logical line ends: its line break, or the end of the source
 * @param quoted - the strings and comments found so far, flattened and ascending (see `scanPython`)
 * @param inClass - true inside a class body, however deep
 * @returns `[start, end)` to cut, or undefined to keep the statement whole
 */
export function simpleStatementCut(
  source: string,
  first: number,
  end: number,
  quoted: readonly number[],
  inClass: boolean,
): readonly [number, number] | undefined {
  if (!NAME_START.test(source.charAt(first))) return undefined;
  NAME_END.lastIndex = first + 1;
  NAME_END.test(source);
  const afterName = NAME_END.lastIndex;
  const next = source.charCodeAt(afterName);
  const word = source.slice(first, afterName);
  if (KEYWORDS.has(word) || next === 0x27 || next === 0x22) return undefined;
  if ((word === 'print' || word === 'exec') && next !== 0x28) return undefined; // Python 2's statements: errors
  const code = codeOf(source, first, end, quoted);
  if (code === undefined) return undefined;
  if (inClass || (!code.assigns && !code.annotates)) return [first, code.end];
  ASSIGNMENT_HEAD.lastIndex = first;
  if (!ASSIGNMENT_HEAD.test(source) || word === '__all__') return undefined;
  const value = source.slice(ASSIGNMENT_HEAD.lastIndex, code.end);
  if (value === '' || DOTTED_NAME.test(value) || value.includes('\\')) return undefined;
  return [ASSIGNMENT_HEAD.lastIndex, code.end];
}

/**
 * Where the code of the statement `source[first, end)` ends (before a trailing comment and spaces), and whether an
 * `=` or a `:` stands outside its brackets and strings. Undefined for a statement not to cut: one with a `;` outside
 * brackets, brackets that do not balance, or an end that a backslash continues.
 */
function codeOf(
  source: string,
  first: number,
  end: number,
  quoted: readonly number[],
): { end: number; assigns: boolean; annotates: boolean } | undefined {
  let assigns = false;
  let annotates = false;
  let codeEnd = end;
  const walk = new PythonCodeWalk(source, first, end, quoted);
  for (let char = walk.next(); char !== END_OF_CODE; char = walk.next()) {
    if (char === COMMENT_START) {
      if (walk.depth === 0) {
        codeEnd = walk.at;
        break;
      }
    } else if (walk.depth < 0) {
      return undefined;
    } else if (walk.depth === 0) {
      if (char === 0x3d) assigns = true;
      else if (char === 0x3a) annotates = true;
      else if (char === 0x3b) return undefined;
    }
  }
  if (walk.depth !== 0) return undefined;
  while (codeEnd > first && isTrailingSpace(source.charCodeAt(codeEnd - 1))) codeEnd--;
  const last = source.charCodeAt(codeEnd - 1);
  if (codeEnd <= first || last === 0x5c || last === 0x0a) return undefined;
  return { end: codeEnd, assigns, annotates };
}

function isTrailingSpace(char: number): boolean {
  return char === 0x20 || char === 0x09 || char === 0x0d || char === 0x0c;
}
