import { parameterListCut } from './python-parameters.js';
import { simpleStatementCut } from './python-simple-statement.js';

/** What one pass over a Python source finds without parsing it. */
export interface PythonScan {
  /**
   * `[start, end)` of code the facts never read, ascending and apart: the bodies of functions (from a body's first
   * statement to the start of the next line not inside it), whole methods (decorators, header and body), the simple
   * statements of class bodies, expression statements and the values of assignments elsewhere (see
   * `simpleStatementCut`), and the values of long module-level assignments (tables, big literals; `__all__`
   * excepted). A class's `__init__` that mentions `super` in a body of at most two statements is not among them (a
   * constructor passing its arguments to `super().__init__` is what a shim subclass is made of).
   */
  readonly bodies: readonly PythonCut[];
  /** `[start, end)` of every string and comment, flattened and ascending: `[s0, e0, s1, e1, …]`. */
  readonly quoted: readonly number[];
}

/** `[start, end)` of source the skeleton leaves out, and what it puts there instead (`0` when absent). */
export type PythonCut = readonly [start: number, end: number, stand?: string];

/** A block (`class`, `if`, …) that lines are inside. */
interface Block {
  readonly indent: number;
  readonly isClass: boolean;
  /** For a class, the cuts that are whole members of it: methods and simple statements. */
  readonly members: PythonCut[];
  /**
   * The indentation of the block's first line: only lines there are its members (the lines of a function header
   * the scan did not take for one, with a comment inside its parentheses, are deeper).
   */
  memberIndent: number;
}

/** The most statements a pass-through `__init__` has: a docstring, then the `super().__init__(…)` call. */
const PASS_THROUGH_STATEMENTS = 2;

/** A class with more whole members cut than this has them cut as one, standing for two (see `closeBlock`). */
const MERGED_MEMBERS = 2;

/** A function whose body is being passed over: its header's indentation, and where its first statement starts. */
interface OpenFunction {
  readonly indent: number;
  bodyStart: number;
  /**
   * A class's `__init__`: kept when it mentions `super` and has at most two statements (a docstring and the
   * `super().__init__(…)` call: a pass-through constructor, which makes a shim subclass).
   */
  readonly initializer: boolean;
  /** The indentation of the body's statements (-1 until the first), and how many start there. */
  bodyIndent: number;
  statements: number;
  /** The class whose member the function is, cut whole. */
  readonly owner: Block | undefined;
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const BACKSLASH = 0x5c;
const SINGLE = 0x27;
const DOUBLE = 0x22;

/** What an ASCII character means to the scan; every other character is {@link OTHER}. */
const OTHER = 0;
const COMMENT = 1;
const QUOTE = 2;
const OPEN = 3;
const CLOSE = 4;
const ESCAPE = 5;
const LINE_BREAK = 6;

const CHAR_KIND = new Uint8Array(128);
CHAR_KIND[0x23] = COMMENT;
CHAR_KIND[SINGLE] = QUOTE;
CHAR_KIND[DOUBLE] = QUOTE;
for (const open of '([{') CHAR_KIND[open.charCodeAt(0)] = OPEN;
for (const close of ')]}') CHAR_KIND[close.charCodeAt(0)] = CLOSE;
CHAR_KIND[BACKSLASH] = ESCAPE;
CHAR_KIND[NEWLINE] = LINE_BREAK;

/** The characters of {@link CHAR_KIND} that are not {@link OTHER}. */
const INTERESTING = /[#'"()[\]{}\\\n]/g;

/** A `def` or `async def` at the start of a logical line. */
const DEF_HEAD = /(?:async[ \t]+)?def[ \t\\]/y;

/** The header of a constructor. */
const INIT_HEAD = /^(?:async[ \t]+)?def[ \t]+__init__\b/;

/** A `class` at the start of a logical line. */
const CLASS_HEAD = /class[ \t\\]/y;

/** `name =` or `name: type =` at the start of a logical line, up to where the value starts. */
const ASSIGNMENT_HEAD = /([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*/y;

/** A module-level assignment longer than this is a table or a big literal: its value is not a fact. */
const LONG_ASSIGNMENT = 160;

/**
 * Reads a Python source once, character by character: strings (every quote form), comments, brackets, backslash
 * continuations and logical lines, which is all it takes to find where each function body starts and ends and where
 * the text is not code. Names, numbers and operators are passed over.
 */
export function scanPython(source: string): PythonScan {
  const bodies: PythonCut[] = [];
  const quoted: number[] = [];
  const length = source.length;
  let open: OpenFunction | undefined;
  /** The blocks (`class`, `if`, …) the current line is inside, innermost last. */
  const blocks: Block[] = [];
  /** Where the decorators before the next statement start, or -1. */
  let decorated = -1;
  let depth = 0;
  let lineStart = 0;
  let commentStart = -1;

  const endLogicalLine = (end: number, next: number): void => {
    const codeEnd = commentStart >= lineStart ? commentStart : end;
    commentStart = -1;
    let first = lineStart;
    let indent = 0;
    for (; first < codeEnd; first++) {
      const char = source.charCodeAt(first);
      if (char === 0x20) indent++;
      else if (char === 0x09) indent = (indent & ~7) + 8;
      else if (char !== 0x0c) break;
    }
    const start = lineStart;
    lineStart = next;
    if (first >= codeEnd) return; // a blank or comment-only line
    if (open !== undefined) {
      if (indent > open.indent) {
        if (open.bodyStart < 0) open.bodyStart = first;
        if (open.bodyIndent < 0) open.bodyIndent = indent;
        if (indent === open.bodyIndent) open.statements++;
        return;
      }
      closeBody(open, start);
      open = undefined;
    }
    while (blocks.length > 0 && (blocks.at(-1)?.indent ?? -1) >= indent) closeBlock(blocks.pop());
    const innermost = blocks.at(-1);
    if (innermost !== undefined && innermost.memberIndent < 0) innermost.memberIndent = indent;
    const inClass = innermost?.isClass === true;
    const isMember = inClass && innermost?.memberIndent === indent;
    const opensBlock = lastCodeChar(source, first, codeEnd) === 0x3a; /* : */
    const char = source.charCodeAt(first);
    if (char === 0x40 /* @ */) {
      if (decorated < 0) decorated = first;
      return;
    }
    const decoratorStart = decorated;
    decorated = -1;
    DEF_HEAD.lastIndex = first;
    if (DEF_HEAD.test(source) && opensBlock) {
      const parameters = inClass ? undefined : parameterListCut(source, DEF_HEAD.lastIndex, end, quoted);
      if (parameters !== undefined) bodies.push([parameters[0], parameters[1], '']);
      // A method is cut whole, decorators included (nothing of it is a fact; the class sketch reads the source):
      // its body alone, from the first statement, for a function, whose name and parameters are facts.
      open = {
        indent,
        bodyStart: inClass ? (decoratorStart < 0 ? first : decoratorStart) : -1,
        initializer: inClass && INIT_HEAD.test(source.slice(first, first + 24)),
        bodyIndent: -1,
        statements: 0,
        owner: isMember ? innermost : undefined,
      };
    } else if (opensBlock) {
      CLASS_HEAD.lastIndex = first;
      blocks.push({ indent, isClass: CLASS_HEAD.test(source), members: [], memberIndent: -1 });
    } else {
      const cut = simpleStatementCut(
        source,
        first,
        end,
        quoted,
        blocks.some((block) => block.isClass),
      );
      if (cut !== undefined) {
        bodies.push(cut);
        if (isMember) innermost?.members.push(cut);
      } else if (indent === 0 && codeEnd - first > LONG_ASSIGNMENT) {
        ASSIGNMENT_HEAD.lastIndex = first;
        const head = ASSIGNMENT_HEAD.exec(source);
        if (head !== null && head[1] !== '__all__' && ASSIGNMENT_HEAD.lastIndex < codeEnd) {
          bodies.push([ASSIGNMENT_HEAD.lastIndex, end]);
        }
      }
    }
  };

  /** The next `super` at or after the last body closed (bodies close in order, so the search never goes back). */
  let nextSuper = -2;
  const closeBody = ({ bodyStart: start, initializer, statements, owner }: OpenFunction, end: number): void => {
    if (start < 0) return;
    if (initializer && statements <= PASS_THROUGH_STATEMENTS) {
      if (nextSuper !== -1 && nextSuper < start) nextSuper = source.indexOf('super', start);
      if (nextSuper !== -1 && nextSuper < end) return;
    }
    const cut: PythonCut = [start, end];
    bodies.push(cut);
    owner?.members.push(cut);
  };

  /**
   * Ends a block. A class's whole members from the first cut one to the last become one cut that stands for two
   * statements: a class with two members or more that add something reads the same as one with hundreds (its facts
   * count members only up to two, and one that adds something makes it more than a shim), and what it ends with
   * still maps to the end of its last member.
   */
  const closeBlock = (block: Block | undefined): void => {
    const members = block?.members ?? [];
    const first = members[0];
    const last = members.at(-1);
    if (members.length <= MERGED_MEMBERS || first === undefined || last === undefined) return;
    const from = bodies.lastIndexOf(first);
    const indent = source.slice(source.lastIndexOf('\n', first[0] - 1) + 1, first[0]);
    bodies.splice(from, bodies.lastIndexOf(last) - from + 1, [first[0], last[1], `0\n${indent}0`]);
  };

  let i = 0;
  while (i < length) {
    // Jump to the next character the scan reacts to: the regular expression engine passes over the rest faster.
    INTERESTING.lastIndex = i;
    if (!INTERESTING.test(source)) break;
    i = INTERESTING.lastIndex - 1;
    const char = source.charCodeAt(i);
    const kind = char < 128 ? CHAR_KIND[char] : OTHER;
    if (kind === OTHER) {
      i++;
    } else if (kind === COMMENT) {
      let end = source.indexOf('\n', i);
      if (end === -1) end = length;
      if (source.charCodeAt(end - 1) === RETURN) end--;
      commentStart = i;
      quoted.push(i, end);
      i = end;
    } else if (kind === QUOTE) {
      const end = stringEnd(source, i, char);
      quoted.push(i, end);
      i = end;
    } else if (kind === OPEN) {
      depth++;
      i++;
    } else if (kind === CLOSE) {
      if (depth > 0) depth--;
      i++;
    } else if (kind === ESCAPE) {
      i += source.charCodeAt(i + 1) === RETURN ? 3 : 2; // a continuation (or a stray escape): the line goes on
    } else {
      if (depth === 0) endLogicalLine(source.charCodeAt(i - 1) === RETURN ? i - 1 : i, i + 1);
      i++;
    }
  }
  if (lineStart < length) endLogicalLine(length, length);
  if (open !== undefined) closeBody(open, length);
  while (blocks.length > 0) closeBlock(blocks.pop());
  return { bodies, quoted };
}

/** The last character of code in `source[from, to)`, ignoring trailing whitespace. */
function lastCodeChar(source: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) {
    const char = source.charCodeAt(i);
    if (char !== 0x20 && char !== 0x09 && char !== RETURN && char !== 0x0c) return char;
  }
  return -1;
}

/**
 * Where the string opened by the quote at `start` ends. Prefixes (`r`, `b`, `f`) need no care: a backslash escapes the
 * next character in every form as far as finding the end goes. An unterminated one-line string ends at its line, a
 * triple-quoted one at the end of the file.
 */
function stringEnd(source: string, start: number, quote: number): number {
  const length = source.length;
  if (source.charCodeAt(start + 1) === quote && source.charCodeAt(start + 2) === quote) {
    const triple = quote === SINGLE ? "'''" : '"""';
    let at = start + 3;
    for (;;) {
      const end = source.indexOf(triple, at);
      if (end === -1) return length;
      let backslashes = 0;
      while (source.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) return end + 3;
      at = end + 1;
    }
  }
  for (let i = start + 1; i < length; i++) {
    const char = source.charCodeAt(i);
    if (char === quote) return i + 1;
    if (char === BACKSLASH) i++;
    else if (char === NEWLINE) return i;
  }
  return length;
}
