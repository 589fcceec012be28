/** Keywords after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER_WORD: ReadonlySet<string> = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
  'extends',
]);

/** Words after `new` that start a callee the text cannot delimit (a class, a function, another `new`). */
const NOT_A_NAME: ReadonlySet<string> = new Set(['class', 'function', 'new']);

/**
 * Words after which a top-level `(` does not open call arguments: control heads, operators, and types (`x as (A)`,
 * `readonly (A | B)[]`), whose parentheses must keep their contents.
 */
const NOT_A_CALLEE: ReadonlySet<string> = new Set([
  ...REGEX_AFTER_WORD,
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'with',
  'function',
  'import',
  'require', // `import x = require('x')` needs its string
  'export',
  'default',
  'async',
  'super',
  'as',
  'satisfies',
  'is',
  'asserts',
  'keyof',
  'infer',
  'readonly',
  'unique',
]);

/** Words after which a top-level `{` opens a destructuring pattern, whose names may be exported. */
const DECLARING_WORDS: ReadonlySet<string> = new Set(['const', 'let', 'var']);

/** Words after which a `{` opens the braces of an import or export, whose names the module record needs. */
const NAMES_AFTER_WORD: ReadonlySet<string> = new Set(['import', 'export', 'type']);

/** The words the scan reacts to. */
const KEYWORDS: ReadonlySet<string> = new Set([
  ...REGEX_AFTER_WORD,
  ...NOT_A_CALLEE,
  ...NAMES_AFTER_WORD,
  ...DECLARING_WORDS,
  ...NOT_A_NAME,
  'super',
  'from',
]);

/** Stands for every other word: no set holds it. */
const OTHER_WORD = ' word';

/** A number for a word's length, first and last character; most words that are no keyword have another. */
function wordKey(length: number, first: number, last: number): number {
  return length * 0x100000000 + first * 0x10000 + last;
}

/** The keys of the keywords: a word whose key is not here is not read from the text at all. */
const KEYWORD_KEYS: ReadonlySet<number> = new Set(
  [...KEYWORDS].map((word) => wordKey(word.length, word.charCodeAt(0), word.charCodeAt(word.length - 1))),
);

/** One open `{`, or the `${` of a template. */
interface OpenBrace {
  readonly start: number;
  /** A template's `${`: its `}` resumes the template. */
  readonly template: boolean;
  /** A class body, import or export braces, or a template substitution: kept, blocks inside may be blanked. */
  readonly container: boolean;
  /** The AST is needed inside (a `super` call, a `new` whose callee the text cannot delimit): the block stays. */
  keep: boolean;
}

/** A `new` expression found in the text: the offset of `new` and of its callee `[calleeStart, calleeEnd)`. */
export interface TextNewSite {
  readonly at: number;
  readonly calleeStart: number;
  readonly calleeEnd: number;
}

/** The source as the parser should see it, and the `new` expressions already found in the text. */
export interface Skeleton {
  /** The source with blocks blanked; every offset is the same as in the source. */
  readonly text: string;
  /** `new` whose callee is a name or a chain of `.name` (`new A`, `new ns.A(…)`, `new this.a.b()`). */
  readonly newSites: readonly TextNewSite[];
  /** Offsets of the other `new` expressions (`new (c ? A : B)()`, `new class {}`): their blocks are kept. */
  readonly astNewOffsets: readonly number[];
}

/** How a file is blanked. */
export interface BlankOptions {
  /**
   * A declaration file: nothing inside any block is a fact (its classes are ambient and it has no `new` sites), so
   * every block is blanked but the braces of imports and exports.
   */
  readonly ambient?: boolean;
}

/**
 * Blanks the inside of the blocks the facts do not read (replaced by spaces, so every offset still points at the
 * same code) and finds the `new` expressions on the way, so the parser has far less to build: function bodies,
 * object literals, interface and enum bodies become `{ }`, the arguments of top-level calls `( )`. Kept: class
 * bodies (their members are facts; member bodies are blanked), the braces of imports and exports, top-level
 * destructuring patterns, blocks holding `super` (a constructor's `super(…)` call is a fact) and blocks holding a
 * `new` whose callee is more than a dotted name. Returns undefined when the text cannot be scanned with confidence
 * (unbalanced braces, an unterminated literal); the caller then parses the whole source.
 *
 * The scan knows comments, strings, templates and regular expressions (a `/` starts one where an operand may
 * start); it does not know JSX, so JSX files must not be passed.
 *
 * @example
 * blankBlocks('function f() { return new A(); }')?.text; // 'function f() {                 }'
 */
export function blankBlocks(source: string, options: BlankOptions = {}): Skeleton | undefined {
  const ambient = options.ambient === true;
  const newSites: TextNewSite[] = [];
  const astNewOffsets: number[] = [];
  const length = source.length;
  const stack: OpenBrace[] = [];
  /** Ranges [from, to) to blank, as flat pairs, ascending and disjoint. */
  const blanks: number[] = [];
  /** The last token could end an operand (identifier, literal, `)`, `]`): a `/` after it divides. */
  let afterOperand = false;
  let lastWord = '';
  let lastChar = 0;
  /** Where `lastChar` is. */
  let lastCharAt = -1;
  /** Set by `class`: the next `{` after a name, `>` or `)` opens its body. */
  let pendingClass = false;
  /** Inside a top-level destructuring pattern: nothing is blanked. */
  let pattern = false;
  /** Between a top-level `import` and its `from`: a `{` after a `,` holds imported names (`import D, { a }`). */
  let importClause = false;
  /** Parentheses open at the top level (outside every brace). */
  let parens = 0;
  /** The arguments of a top-level call (`test('x', () => …)`, `expect(…).toBe(…)`), blanked as a block is. */
  let args: { readonly start: number; keep: boolean } | undefined;
  /** After a top-level `function` and before its `(`: the parameters are kept (shapes are sketched from them). */
  let functionHead = false;
  /** Marks the innermost open block, or else the open top-level call arguments, as needing the AST. */
  const keepHere = (): void => {
    const open = stack[stack.length - 1];
    if (open !== undefined) open.keep = true;
    else if (args !== undefined) args.keep = true;
  };
  let i = source.startsWith('#!') ? source.indexOf('\n') : 0;
  if (i < 0) return { text: source, newSites, astNewOffsets };
  while (i < length) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    if (c === 47 /* / */) {
      const next = source.charCodeAt(i + 1);
      if (next === 47) {
        const end = source.indexOf('\n', i + 2);
        i = end < 0 ? length : end;
        continue;
      }
      if (next === 42) {
        const end = source.indexOf('*/', i + 2);
        if (end < 0) return undefined;
        i = end + 2;
        continue;
      }
      if (!afterOperand || REGEX_AFTER_WORD.has(lastWord)) {
        i = skipRegex(source, i);
        if (i < 0) return undefined;
        afterOperand = true;
      } else {
        i++;
        afterOperand = false;
      }
    } else if (c === 39 || c === 34 /* ' " */) {
      i = skipString(source, i, c);
      if (i < 0) return undefined;
      afterOperand = true;
    } else if (c === 96 /* ` */) {
      i = skipTemplate(source, i + 1, stack);
      if (i < 0) return undefined;
      afterOperand = source.charCodeAt(i - 1) === 96;
    } else if (c === 123 /* { */) {
      const classBody = pendingClass && !ambient && (afterOperand || lastChar === 62) /* > */;
      if (classBody) pendingClass = false;
      const names = NAMES_AFTER_WORD.has(lastWord) || (importClause && lastChar === 44) /* , */;
      functionHead = false;
      // `export const { a, b: { c } } = x` exports a, c: a top-level pattern is kept whole.
      if (stack.length === 0 && DECLARING_WORDS.has(lastWord)) pattern = true;
      stack.push({ start: i, template: false, container: classBody || names || pattern, keep: pattern });
      i++;
      afterOperand = false;
    } else if (c === 125 /* } */) {
      const open = stack.pop();
      if (open === undefined) return undefined;
      const parent = stack[stack.length - 1];
      if (open.keep && parent !== undefined) parent.keep = true;
      else if (open.keep && args !== undefined) args.keep = true;
      if (open.template) {
        i = skipTemplate(source, i + 1, stack);
        if (i < 0) return undefined;
        afterOperand = source.charCodeAt(i - 1) === 96;
      } else {
        if (stack.length === 0) pattern = false;
        if (!open.keep && !open.container && !pattern && i > open.start + 1) {
          // This block takes the place of any blocks inside it marked before.
          while (blanks.length > 0 && (blanks[blanks.length - 2] ?? 0) > open.start) blanks.length -= 2;
          blanks.push(open.start + 1, i);
        }
        i++;
        // `}` ends a block (an expression may follow) more often than an object literal (an operand).
        afterOperand = false;
      }
    } else if (isWordStart(c)) {
      const start = i;
      i = wordEnd(source, i + 1);
      const key = wordKey(i - start, c, source.charCodeAt(i - 1));
      const word = KEYWORD_KEYS.has(key) ? source.slice(start, i) : OTHER_WORD;
      // After a single `.` (not the `...` of a spread) a word is a member name.
      const memberName = lastChar === 46 /* . */ && source.charCodeAt(lastCharAt - 1) !== 46;
      if (word === 'new' && !ambient && !memberName) {
        const callee = newCallee(source, i);
        if (callee === 'ast') {
          astNewOffsets.push(start);
          keepHere();
        } else if (callee !== undefined) {
          newSites.push({ at: start, calleeStart: callee[0], calleeEnd: callee[1] });
        }
      } else if (word === 'super' && !ambient) {
        keepHere();
      } else if (word === 'function' && stack.length === 0) {
        functionHead = true;
      } else if (word === 'class' && !memberName) {
        pendingClass = true;
      } else if (word === 'import' && stack.length === 0) {
        importClause = true;
      } else if (word === 'from' || word === 'require') {
        importClause = false;
      }
      afterOperand = true;
      lastWord = word;
      lastChar = 0;
      continue;
    } else if (c >= 48 && c <= 57 /* 0-9 */) {
      i++;
      while (i < length && (isWordPart(source.charCodeAt(i)) || source.charCodeAt(i) === 46)) i++;
      afterOperand = true;
    } else if (c === 40 /* ( */ && stack.length === 0) {
      const callee =
        (lastWord !== '' && !NOT_A_CALLEE.has(lastWord)) || lastChar === 41 /* ) */ || lastChar === 93; /* ] */
      if (parens === 0 && callee && !functionHead && !ambient) args = { start: i, keep: false };
      parens++;
      functionHead = false;
      importClause = false;
      afterOperand = false;
      i++;
    } else if (c === 41 /* ) */ && stack.length === 0 && parens > 0) {
      parens--;
      if (parens === 0 && args !== undefined) {
        if (!args.keep && i > args.start + 1) {
          const from = args.start;
          while (blanks.length > 0 && (blanks[blanks.length - 2] ?? 0) > from) blanks.length -= 2;
          blanks.push(from + 1, i);
        }
        args = undefined;
      }
      afterOperand = true;
      i++;
    } else {
      // A punctuator: `)` and `]` end an operand, every other one lets an operand start.
      afterOperand = c === 41 || c === 93;
      if (c === 59 /* ; */ || c === 40 /* ( */) importClause = false;
      i++;
    }
    lastWord = '';
    lastChar = c;
    lastCharAt = i - 1;
  }
  if (stack.length > 0) return undefined;
  return { text: blanks.length === 0 ? source : applyBlanks(source, blanks), newSites, astNewOffsets };
}

/**
 * What follows the keyword `new` ending at `from`: the callee's range when it is a name or a chain of `.name`;
 * `'ast'` when it is an expression the text cannot delimit (parenthesised, a class, computed, after a comment);
 * undefined when this `new` is no `new` expression (`new.target`, a member named `new` as in `{ new: 1 }`).
 */
function newCallee(source: string, from: number): readonly [number, number] | 'ast' | undefined {
  let i = skipSpace(source, from);
  const first = source.charCodeAt(i);
  // `new.target`, and `new` as a member name: followed by `. : ? , ; = } ) ]`
  if (first === 46 || first === 58 || first === 63 || first === 44 || first === 59 || first === 61) return undefined;
  if (first === 125 || first === 41 || first === 93) return undefined;
  if (!isWordStart(first) || first === 35 /* # */) return 'ast';
  const start = i;
  for (;;) {
    const wordStart = i;
    while (i < source.length && isWordPart(source.charCodeAt(i))) i++;
    if (wordStart === start && NOT_A_NAME.has(source.slice(wordStart, i))) return 'ast';
    const end = i;
    i = skipSpace(source, i);
    const c = source.charCodeAt(i);
    // `[…]` (computed), `!`, a tagged template or a comment: the text cannot tell where the callee ends.
    if (c === 91 || c === 33 || c === 96 || c === 47) return 'ast';
    if (c === 63 /* ? */ && source.charCodeAt(i + 1) === 46) return 'ast';
    if (c !== 46 /* . */) return [start, end];
    i = skipSpace(source, i + 1);
    const next = source.charCodeAt(i);
    if (!isWordStart(next) || next === 35) return 'ast';
  }
}

/** Index of the first character at or after `from` that is not a space, tab or line break. */
function skipSpace(source: string, from: number): number {
  let i = from;
  for (;;) {
    const c = source.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** Spaces to cut blanks from (a slice of a flat string is cheap); longer blanks repeat it. */
const SPACES = ' '.repeat(4096);

/** The source with each range replaced by as many spaces, so every offset outside them is unchanged. */
function applyBlanks(source: string, blanks: readonly number[]): string {
  let result = '';
  let from = 0;
  for (let k = 0; k < blanks.length; k += 2) {
    const start = blanks[k] ?? 0;
    const end = blanks[k + 1] ?? 0;
    const width = end - start;
    result += source.slice(from, start) + (width <= SPACES.length ? SPACES.slice(0, width) : ' '.repeat(width));
    from = end;
  }
  return result + source.slice(from);
}

/** 1 for ASCII characters that start a word (letters, `_`, `$`, `#`), 2 for digits. */
const WORD_CHARS = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c === 35;
    table[c] = letter ? 1 : c >= 48 && c <= 57 ? 2 : 0;
  }
  return table;
})();

function isWordStart(c: number): boolean {
  return c > 127 ? true : WORD_CHARS[c] === 1;
}

function isWordPart(c: number): boolean {
  return c > 127 ? true : WORD_CHARS[c] !== 0;
}

/** Index after the word whose rest starts at `from`. */
function wordEnd(source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c < 128 ? WORD_CHARS[c] === 0 : false) return i;
    i++;
  }
  return i;
}

/** Index after the string starting at `start`, or -1 when it is not closed on its line. */
function skipString(source: string, start: number, quote: number): number {
  for (let i = start + 1; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === 92) i++;
    else if (c === 10) return -1;
  }
  return -1;
}

/**
 * Scans template text from `from` to its closing backtick (returns the index after it) or to a `${` (pushes the
 * substitution on `stack` and returns the index after its `{`); -1 when the template is not closed.
 */
function skipTemplate(source: string, from: number, stack: OpenBrace[]): number {
  for (let i = from; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 96) return i + 1;
    if (c === 92) i++;
    else if (c === 36 && source.charCodeAt(i + 1) === 123) {
      stack.push({ start: i + 1, template: true, container: true, keep: false });
      return i + 2;
    }
  }
  return -1;
}

/** Index after the regular expression starting at `start`, or -1 when it is not closed on its line. */
function skipRegex(source: string, start: number): number {
  let inClass = false;
  for (let i = start + 1; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 10) return -1;
    else if (c === 91) inClass = true;
    else if (c === 93) inClass = false;
    else if (c === 47 && !inClass) {
      i++;
      while (i < source.length && isWordPart(source.charCodeAt(i))) i++;
      return i;
    }
  }
  return -1;
}
