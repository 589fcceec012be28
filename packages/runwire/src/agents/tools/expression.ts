/**
 * A safe arithmetic expression evaluator for the built-in `calculator` tool.
 *
 * The source is tokenized in full, parsed by recursive descent into a small tree and only then evaluated, so
 * lexical errors are reported before syntax errors and syntax errors before arithmetic ones (division by zero,
 * non-finite results). Nothing is ever handed to `eval`/`Function`, and names are looked up in `Map`s, never as
 * object properties, so `constructor`, `__proto__` and friends are plain unknown names.
 *
 * Grammar (lowest to highest binding):
 *
 * ```text
 * expression := term (('+' | '-') term)*
 * term       := unary (('*' | '×' | '/' | '÷' | '%') unary)*
 * unary      := ('+' | '-') unary | power
 * power      := primary (('^' | '**') unary)?          right-associative; binds tighter than a unary sign on its left
 * primary    := number | constant | name '(' expression (',' expression)* ')' | '(' expression ')'
 * ```
 *
 * Positions in errors are 0-based UTF-16 indexes into the source (as `source[i]`).
 */

/** The longest source `evaluateExpression` accepts, in UTF-16 code units. */
export const MAX_EXPRESSION_LENGTH = 1000;

/** The deepest parenthesis nesting (groups and function calls alike) `evaluateExpression` accepts. */
export const MAX_EXPRESSION_DEPTH = 64;

/**
 * Why an expression could not be evaluated. `position` is the 0-based index into the source where the problem
 * is (the offending character or token, the operator that divided by zero, the function with the wrong number of
 * arguments, `source.length` for an unexpected end, `0` for an empty expression and {@link MAX_EXPRESSION_LENGTH}
 * for one that is too long); the message says what and where.
 *
 * @example
 * ```ts
 * try {
 *   evaluateExpression('1 / 0');
 * } catch (error) {
 *   if (error instanceof ExpressionError) console.log(error.code, error.position, error.message);
 *   // bad_expression 2 Division by zero at position 2
 * }
 * ```
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  readonly code = 'bad_expression' as const;
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}

type Operator = '+' | '-' | '*' | '/' | '%' | '^' | '(' | ')' | ',';

type Token =
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly pos: number }
  | { readonly kind: 'name'; readonly text: string; readonly pos: number }
  | { readonly kind: 'op'; readonly op: Operator; readonly text: string; readonly pos: number }
  | { readonly kind: 'end'; readonly pos: number };

type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '^';

type Node =
  | { readonly kind: 'number'; readonly value: number; readonly pos: number }
  | { readonly kind: 'negate'; readonly operand: Node; readonly pos: number }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOperator;
      readonly left: Node;
      readonly right: Node;
      readonly pos: number;
    }
  | { readonly kind: 'call'; readonly fn: FunctionSpec; readonly args: readonly Node[]; readonly pos: number };

interface FunctionSpec {
  readonly name: string;
  readonly minArgs: number;
  /** Either `minArgs` or `Infinity` (variadic). */
  readonly maxArgs: number;
  readonly apply: (args: readonly number[]) => number;
}

const unary = (name: string, f: (x: number) => number): FunctionSpec => ({
  name,
  minArgs: 1,
  maxArgs: 1,
  apply: (args) => f(args[0] ?? Number.NaN),
});

const variadic = (name: string, f: (...xs: number[]) => number): FunctionSpec => ({
  name,
  minArgs: 1,
  maxArgs: Number.POSITIVE_INFINITY,
  apply: (args) => f(...args),
});

/** Rounds half away from zero (`round(2.5) = 3`, `round(-2.5) = -3`), unlike `Math.round`. */
const roundHalfAwayFromZero = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

const FUNCTION_LIST: readonly FunctionSpec[] = [
  unary('abs', Math.abs),
  unary('ceil', Math.ceil),
  unary('floor', Math.floor),
  unary('round', roundHalfAwayFromZero),
  unary('sqrt', Math.sqrt),
  unary('cbrt', Math.cbrt),
  unary('exp', Math.exp),
  unary('ln', Math.log),
  unary('log', Math.log10),
  unary('log2', Math.log2),
  unary('sin', Math.sin),
  unary('cos', Math.cos),
  unary('tan', Math.tan),
  unary('asin', Math.asin),
  unary('acos', Math.acos),
  unary('atan', Math.atan),
  variadic('min', Math.min),
  variadic('max', Math.max),
  { name: 'pow', minArgs: 2, maxArgs: 2, apply: (args) => (args[0] ?? Number.NaN) ** (args[1] ?? Number.NaN) },
  variadic('hypot', Math.hypot),
];

const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(FUNCTION_LIST.map((fn) => [fn.name, fn]));
const FUNCTION_NAMES = FUNCTION_LIST.map((fn) => fn.name).join(', ');

const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
]);
const CONSTANT_NAMES = [...CONSTANTS.keys()].join(', ');

const at = (position: number): string => `at position ${position}`;

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const isNameStart = (ch: string | undefined): boolean =>
  ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_');
const isNamePart = (ch: string | undefined): boolean => isNameStart(ch) || isDigit(ch);
const isWhitespace = (ch: string): boolean => /\s/u.test(ch);

const SINGLE_CHAR_OPERATORS: ReadonlyMap<string, Operator> = new Map<string, Operator>([
  ['+', '+'],
  ['-', '-'],
  ['*', '*'],
  ['×', '*'],
  ['/', '/'],
  ['÷', '/'],
  ['%', '%'],
  ['^', '^'],
  ['(', '('],
  [')', ')'],
  [',', ','],
]);

/** Quotes a character for a message; control and invisible characters are shown as `U+XXXX`. */
function describeCharacter(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || /\p{Cf}/u.test(ch)) {
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${ch}'`;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (isWhitespace(ch)) {
      i += 1;
      continue;
    }
    const start = i;
    if (isDigit(ch) || (ch === '.' && isDigit(source[i + 1]))) {
      while (isDigit(source[i])) i += 1;
      if (source[i] === '.') {
        i += 1;
        while (isDigit(source[i])) i += 1;
      }
      if (source[i] === 'e' || source[i] === 'E') {
        const sign = source[i + 1] === '+' || source[i + 1] === '-' ? 1 : 0;
        if (isDigit(source[i + 1 + sign])) {
          i += 1 + sign;
          while (isDigit(source[i])) i += 1;
        }
      }
      if (source[i] === '_') {
        throw new ExpressionError(`Digit separator '_' is not allowed ${at(i)}`, i);
      }
      const text = source.slice(start, i);
      const value = Number(text);
      if (!Number.isFinite(value)) {
        throw new ExpressionError(`Number '${text}' is too large ${at(start)}`, start);
      }
      tokens.push({ kind: 'number', value, text, pos: start });
      continue;
    }
    if (isNameStart(ch)) {
      while (isNamePart(source[i])) i += 1;
      tokens.push({ kind: 'name', text: source.slice(start, i), pos: start });
      continue;
    }
    if (ch === '*' && source[i + 1] === '*') {
      tokens.push({ kind: 'op', op: '^', text: '**', pos: start });
      i += 2;
      continue;
    }
    const op = SINGLE_CHAR_OPERATORS.get(ch);
    if (op !== undefined) {
      tokens.push({ kind: 'op', op, text: ch, pos: start });
      i += 1;
      continue;
    }
    const whole = String.fromCodePoint(source.codePointAt(i) ?? 0);
    throw new ExpressionError(`Unexpected character ${describeCharacter(whole)} ${at(i)}`, i);
  }
  tokens.push({ kind: 'end', pos: source.length });
  return tokens;
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): Node {
    const node = this.expression();
    this.expectEnd();
    return node;
  }

  private peek(): Token {
    // The token list always ends with an `end` token and `advance` never moves past it.
    return this.tokens[this.index] ?? { kind: 'end', pos: 0 };
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isOp(token: Token, ...ops: Operator[]): token is Extract<Token, { kind: 'op' }> {
    return token.kind === 'op' && ops.includes(token.op);
  }

  /** An error for `token` where it cannot stand; `afterOperand` adds a hint about implicit multiplication. */
  private unexpected(token: Token, afterOperand: boolean): ExpressionError {
    if (token.kind === 'end') return new ExpressionError(`Unexpected end of expression ${at(token.pos)}`, token.pos);
    const startsOperand = token.kind === 'name' || (token.kind === 'op' && token.op === '(');
    const hint = afterOperand && startsOperand ? " (implicit multiplication is not supported; use '*')" : '';
    return new ExpressionError(`Unexpected '${token.text}' ${at(token.pos)}${hint}`, token.pos);
  }

  private expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw this.unexpected(token, true);
  }

  private expression(): Node {
    let left = this.term();
    for (let token = this.peek(); this.isOp(token, '+', '-'); token = this.peek()) {
      this.advance();
      left = { kind: 'binary', op: token.op as BinaryOperator, left, right: this.term(), pos: token.pos };
    }
    return left;
  }

  private term(): Node {
    let left = this.unary();
    for (let token = this.peek(); this.isOp(token, '*', '/', '%'); token = this.peek()) {
      this.advance();
      left = { kind: 'binary', op: token.op as BinaryOperator, left, right: this.unary(), pos: token.pos };
    }
    return left;
  }

  private unary(): Node {
    const token = this.peek();
    if (this.isOp(token, '+', '-')) {
      this.advance();
      const operand = this.unary();
      return token.op === '-' ? { kind: 'negate', operand, pos: token.pos } : operand;
    }
    return this.power();
  }

  private power(): Node {
    const base = this.primary();
    const token = this.peek();
    if (this.isOp(token, '^')) {
      this.advance();
      // The exponent is a `unary`, which recurses back into `power`: right-associative, and `2^-1` works.
      return { kind: 'binary', op: '^', left: base, right: this.unary(), pos: token.pos };
    }
    return base;
  }

  private primary(): Node {
    const token = this.advance();
    if (token.kind === 'number') return { kind: 'number', value: token.value, pos: token.pos };
    if (token.kind === 'name') {
      return this.isOp(this.peek(), '(') ? this.call(token) : this.constant(token);
    }
    if (this.isOp(token, '(')) {
      this.enter(token);
      const inner = this.expression();
      this.close(token);
      return inner;
    }
    throw this.unexpected(token, false);
  }

  private constant(token: Extract<Token, { kind: 'name' }>): Node {
    const name = token.text.toLowerCase();
    const value = CONSTANTS.get(name);
    if (value !== undefined) return { kind: 'number', value, pos: token.pos };
    if (FUNCTIONS.has(name)) {
      throw new ExpressionError(`Function '${token.text}' must be called with parentheses ${at(token.pos)}`, token.pos);
    }
    throw new ExpressionError(
      `Unknown name '${token.text}' ${at(token.pos)}; known constants: ${CONSTANT_NAMES}`,
      token.pos,
    );
  }

  private call(nameToken: Extract<Token, { kind: 'name' }>): Node {
    const name = nameToken.text.toLowerCase();
    const fn = FUNCTIONS.get(name);
    if (fn === undefined) {
      const message = CONSTANTS.has(name)
        ? `'${nameToken.text}' is a constant, not a function ${at(nameToken.pos)}`
        : `Unknown function '${nameToken.text}' ${at(nameToken.pos)}; known: ${FUNCTION_NAMES}`;
      throw new ExpressionError(message, nameToken.pos);
    }
    const open = this.advance();
    this.enter(open);
    const args: Node[] = [];
    if (!this.isOp(this.peek(), ')')) {
      args.push(this.expression());
      while (this.isOp(this.peek(), ',')) {
        this.advance();
        args.push(this.expression());
      }
    }
    this.close(open);
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      // Every function takes either exactly `minArgs` or at least `minArgs` (variadic) arguments.
      const expected = fn.minArgs === fn.maxArgs ? `exactly ${fn.minArgs}` : `at least ${fn.minArgs}`;
      const noun = fn.minArgs === 1 ? 'argument' : 'arguments';
      throw new ExpressionError(
        `Function '${fn.name}' takes ${expected} ${noun}, got ${args.length} ${at(nameToken.pos)}`,
        nameToken.pos,
      );
    }
    return { kind: 'call', fn, args, pos: nameToken.pos };
  }

  private enter(open: Token): void {
    this.depth += 1;
    if (this.depth > MAX_EXPRESSION_DEPTH) {
      throw new ExpressionError(
        `Expression is nested too deeply (at most ${MAX_EXPRESSION_DEPTH} levels) ${at(open.pos)}`,
        open.pos,
      );
    }
  }

  private close(open: Token): void {
    const token = this.peek();
    if (!this.isOp(token, ')')) {
      if (token.kind === 'end') {
        throw new ExpressionError(`Missing ')' ${at(token.pos)} to close the '(' ${at(open.pos)}`, token.pos);
      }
      throw this.unexpected(token, true);
    }
    this.advance();
    this.depth -= 1;
  }
}

function checked(value: number, pos: number): number {
  if (!Number.isFinite(value)) throw new ExpressionError(`Result is not a finite number ${at(pos)}`, pos);
  return value;
}

function evaluate(node: Node): number {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'negate':
      return -evaluate(node.operand);
    case 'call':
      return checked(node.fn.apply(node.args.map(evaluate)), node.pos);
    case 'binary': {
      const left = evaluate(node.left);
      const right = evaluate(node.right);
      switch (node.op) {
        case '+':
          return checked(left + right, node.pos);
        case '-':
          return checked(left - right, node.pos);
        case '*':
          return checked(left * right, node.pos);
        case '/':
          if (right === 0) throw new ExpressionError(`Division by zero ${at(node.pos)}`, node.pos);
          return checked(left / right, node.pos);
        case '%':
          if (right === 0) throw new ExpressionError(`Modulo by zero ${at(node.pos)}`, node.pos);
          return checked(left % right, node.pos);
        case '^':
          return checked(left ** right, node.pos);
      }
    }
  }
}

/**
 * Evaluates an arithmetic expression safely (no `eval`/`Function`) and returns a finite number.
 *
 * Supports decimal numbers (`12`, `3.5`, `.5`, `1.`, `1e3`, `2.5E-2`; no `_` separators, no hex), binary
 * `+ - * / %` (`%` is JavaScript's remainder, signed like the dividend), `×`/`÷` as `*`/`/`, power `^` or `**`
 * (right-associative and binding tighter than a unary sign on its left, so `-2^2 = -4` and `2^-1 = 0.5`), unary
 * `+`/`-`, parentheses, whitespace anywhere, the constants `pi` and `e`, and the functions `abs ceil floor round
 * sqrt cbrt exp ln log (base 10) log2 sin cos tan asin acos atan` (one argument; trigonometry in radians; `round`
 * rounds half away from zero), `min max hypot` (one or more) and `pow` (two). Names of constants and functions are
 * case-insensitive. A number directly followed by `e`/`E` and digits is an exponent (`2e3 = 2000`); `e+1` alone is
 * the constant plus one.
 *
 * Rejected with an {@link ExpressionError}: any other character or name, implicit multiplication (`2(3)`,
 * `2pi`), wrong argument counts, division or modulo by zero, any intermediate or final result that is not finite
 * (`sqrt(-1)`, `10^400`), number literals too large to represent, nesting deeper than
 * {@link MAX_EXPRESSION_DEPTH} parentheses and sources longer than {@link MAX_EXPRESSION_LENGTH} characters.
 * `-0` is returned as `0`.
 *
 * @example
 * ```ts
 * evaluateExpression('2 + 3 * 4'); // 14
 * evaluateExpression('-2^2'); // -4
 * evaluateExpression('max(1, sqrt(16), 2) × 2'); // 8
 * evaluateExpression('1 / (2 - 2)'); // throws ExpressionError: Division by zero at position 2
 * ```
 */
export function evaluateExpression(source: string): number {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(
      `Expression is too long (at most ${MAX_EXPRESSION_LENGTH} characters)`,
      MAX_EXPRESSION_LENGTH,
    );
  }
  if (source.trim() === '') throw new ExpressionError('Expression is empty', 0);
  const tree = new Parser(tokenize(source)).parse();
  const result = checked(evaluate(tree), tree.pos);
  return result === 0 ? 0 : result;
}

/**
 * Formats a number for display: rounded to at most 12 significant digits, without trailing zeros, in plain
 * decimal notation when the rounded magnitude is in [1e-6, 1e15) and in JavaScript exponent notation otherwise
 * (`2^60` prints as `1.15292150461e+18`, not as digits beyond the 12 that are meaningful). `0` and `-0` print as
 * `0`; `NaN` and the infinities print as `String(value)` does.
 *
 * @example
 * ```ts
 * formatNumber(0.1 + 0.2); // '0.3'
 * formatNumber(1 / 3); // '0.333333333333'
 * formatNumber(2 ** 60); // '1.15292150461e+18'
 * formatNumber(1e-7); // '1e-7'
 * ```
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(12));
  const magnitude = Math.abs(rounded);
  // In this range `String` never uses an exponent, and the shortest round-trip form has at most 12 digits.
  if (magnitude >= 1e-6 && magnitude < 1e15) return String(rounded);
  return rounded.toExponential();
}
