import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ExpressionError,
  evaluateExpression,
  formatNumber,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
} from './expression.js';

const KNOWN_FUNCTIONS =
  'abs, ceil, floor, round, sqrt, cbrt, exp, ln, log, log2, sin, cos, tan, asin, acos, atan, min, max, pow, hypot';

/** Asserts that `source` is rejected with an `ExpressionError` carrying exactly this message and position. */
function assertRejects(source: string, message: string, position: number): void {
  assert.throws(
    () => evaluateExpression(source),
    (error: unknown) => {
      assert.ok(error instanceof ExpressionError, `expected an ExpressionError, got ${String(error)}`);
      assert.ok(error instanceof Error);
      assert.equal(error.name, 'ExpressionError');
      assert.equal(error.code, 'bad_expression');
      assert.equal(error.message, message);
      assert.equal(error.position, position);
      return true;
    },
  );
}

/** Asserts that `source` is rejected with an `ExpressionError`, whatever the message. */
function assertBadExpression(source: string): void {
  assert.throws(
    () => evaluateExpression(source),
    (error: unknown) => error instanceof ExpressionError && error.code === 'bad_expression',
  );
}

describe('evaluateExpression', () => {
  describe('numbers', () => {
    it('reads integers, decimals, leading-dot decimals and exponents in either case', () => {
      assert.equal(evaluateExpression('12'), 12);
      assert.equal(evaluateExpression('3.5'), 3.5);
      assert.equal(evaluateExpression('.5'), 0.5);
      assert.equal(evaluateExpression('1e3'), 1000);
      assert.equal(evaluateExpression('2.5E-2'), 0.025);
      assert.equal(evaluateExpression('2e+2'), 200);
    });

    it('rejects `_` digit separators, pointing at the underscore', () => {
      assertRejects('1_000', "Digit separator '_' is not allowed at position 1", 1);
    });

    it('rejects a number literal too large to represent', () => {
      assertRejects('1 + 1e400', "Number '1e400' is too large at position 4", 4);
    });

    it('rejects a second decimal point', () => {
      assertRejects('1.2.3', "Unexpected '.3' at position 3", 3);
    });
  });

  describe('operators', () => {
    it('gives * and / precedence over + and -', () => {
      assert.equal(evaluateExpression('2+3*4'), 14);
      assert.equal(evaluateExpression('2*3+4'), 10);
      assert.equal(evaluateExpression('10-6/2'), 7);
      assert.equal(evaluateExpression('(2+3)*4'), 20);
    });

    it('associates + - * / % to the left', () => {
      assert.equal(evaluateExpression('10-4-3'), 3);
      assert.equal(evaluateExpression('100/10/5'), 2);
      assert.equal(evaluateExpression('20%7%4'), 2);
    });

    it('computes % as the remainder signed like the dividend', () => {
      assert.equal(evaluateExpression('7 % 3'), 1);
      assert.equal(evaluateExpression('-7 % 3'), -1);
      assert.equal(evaluateExpression('5.5 % 2'), 1.5);
    });

    it('associates ^ and ** to the right', () => {
      assert.equal(evaluateExpression('2^3^2'), 512);
      assert.equal(evaluateExpression('2**3**2'), 512);
      assert.equal(evaluateExpression('(2^3)^2'), 64);
    });

    it('binds power tighter than unary minus on its left, and accepts a signed exponent', () => {
      assert.equal(evaluateExpression('-2^2'), -4);
      assert.equal(evaluateExpression('(-2)^2'), 4);
      assert.equal(evaluateExpression('2^-1'), 0.5);
      assert.equal(evaluateExpression('-2**-2'), -0.25);
      assert.equal(evaluateExpression('2*-3'), -6);
    });

    it('binds power tighter than * and /', () => {
      assert.equal(evaluateExpression('2*3^2'), 18);
      assert.equal(evaluateExpression('3^2/9'), 1);
    });

    it('accepts repeated unary signs', () => {
      assert.equal(evaluateExpression('--3'), 3);
      assert.equal(evaluateExpression('+-+3'), -3);
      assert.equal(evaluateExpression('1 - -1'), 2);
    });

    it('accepts × and ÷ as * and /', () => {
      assert.equal(evaluateExpression('6×7'), 42);
      assert.equal(evaluateExpression('84÷2'), 42);
      assert.equal(evaluateExpression('2 + 6 × 7 ÷ 3'), 16);
    });

    it('accepts whitespace anywhere between tokens', () => {
      assert.equal(evaluateExpression('  \t( 1 +\n2 ) * max ( 3 , 4 )  '), 12);
    });

    it('returns 0 rather than -0', () => {
      assert.ok(Object.is(evaluateExpression('-0'), 0));
      assert.ok(Object.is(evaluateExpression('0 * -1'), 0));
    });
  });

  describe('constants', () => {
    it('knows pi and e, case-insensitively', () => {
      assert.equal(evaluateExpression('pi'), Math.PI);
      assert.equal(evaluateExpression('PI'), Math.PI);
      assert.equal(evaluateExpression('Pi * 2'), 2 * Math.PI);
      assert.equal(evaluateExpression('e'), Math.E);
      assert.equal(evaluateExpression('E'), Math.E);
    });

    it('treats e+1 as the constant plus one, but 1e+1 as an exponent', () => {
      assert.equal(evaluateExpression('e+1'), Math.E + 1);
      assert.equal(evaluateExpression('1e+1'), 10);
    });

    it('rejects a constant called like a function', () => {
      assertRejects('pi(2)', "'pi' is a constant, not a function at position 0", 0);
    });
  });

  describe('functions', () => {
    it('evaluates each one-argument function', () => {
      assert.equal(evaluateExpression('abs(-3)'), 3);
      assert.equal(evaluateExpression('ceil(1.2)'), 2);
      assert.equal(evaluateExpression('floor(-1.2)'), -2);
      assert.equal(evaluateExpression('sqrt(16)'), 4);
      assert.equal(evaluateExpression('cbrt(27)'), 3);
      assert.equal(evaluateExpression('exp(0)'), 1);
      assert.equal(evaluateExpression('ln(e)'), 1);
      assert.equal(evaluateExpression('log(1000)'), 3);
      assert.equal(evaluateExpression('log2(8)'), 3);
      assert.equal(evaluateExpression('sin(0)'), 0);
      assert.equal(evaluateExpression('cos(0)'), 1);
      assert.equal(evaluateExpression('tan(0)'), 0);
      assert.equal(evaluateExpression('asin(1)'), Math.PI / 2);
      assert.equal(evaluateExpression('acos(1)'), 0);
      assert.equal(evaluateExpression('atan(1)'), Math.PI / 4);
    });

    it('works in radians', () => {
      assert.ok(Math.abs(evaluateExpression('sin(pi/2)') - 1) < 1e-12);
      assert.ok(Math.abs(evaluateExpression('cos(pi)') + 1) < 1e-12);
    });

    it('rounds half away from zero', () => {
      assert.equal(evaluateExpression('round(2.5)'), 3);
      assert.equal(evaluateExpression('round(-2.5)'), -3);
      assert.equal(evaluateExpression('round(2.4)'), 2);
    });

    it('evaluates min, max and hypot with one or more arguments', () => {
      assert.equal(evaluateExpression('min(3)'), 3);
      assert.equal(evaluateExpression('min(3, 1, 2)'), 1);
      assert.equal(evaluateExpression('max(3, 1, 2)'), 3);
      assert.equal(evaluateExpression('hypot(3, 4)'), 5);
      assert.equal(evaluateExpression('hypot(-5)'), 5);
    });

    it('evaluates pow with exactly two arguments', () => {
      assert.equal(evaluateExpression('pow(2, 10)'), 1024);
    });

    it('accepts function names case-insensitively and nested calls with expressions as arguments', () => {
      assert.equal(evaluateExpression('SQRT(16)'), 4);
      assert.equal(evaluateExpression('max(1, sqrt(16), 2) × 2'), 8);
      assert.equal(evaluateExpression('abs(min(-1 - 2, pow(2, 3)))'), 3);
    });

    it('rejects a one-argument function called with two', () => {
      assertRejects('1 + sqrt(4, 9)', "Function 'sqrt' takes exactly 1 argument, got 2 at position 4", 4);
    });

    it('rejects pow with one argument', () => {
      assertRejects('pow(2)', "Function 'pow' takes exactly 2 arguments, got 1 at position 0", 0);
    });

    it('rejects min, max and hypot without arguments', () => {
      assertRejects('min()', "Function 'min' takes at least 1 argument, got 0 at position 0", 0);
      assertRejects('max( )', "Function 'max' takes at least 1 argument, got 0 at position 0", 0);
      assertRejects('hypot()', "Function 'hypot' takes at least 1 argument, got 0 at position 0", 0);
    });

    it('rejects an unknown function and lists the known ones', () => {
      assertRejects('foo(1)', `Unknown function 'foo' at position 0; known: ${KNOWN_FUNCTIONS}`, 0);
    });

    it('rejects a function name used without parentheses', () => {
      assertRejects('sqrt + 1', "Function 'sqrt' must be called with parentheses at position 0", 0);
    });

    it('rejects a trailing comma in the arguments', () => {
      assertRejects('min(1,)', "Unexpected ')' at position 6", 6);
    });
  });

  describe('syntax errors', () => {
    it('reports an unexpected closing parenthesis where it is', () => {
      assertRejects('(1+2))', "Unexpected ')' at position 5", 5);
      assertRejects('1 + )', "Unexpected ')' at position 4", 4);
    });

    it('reports an unexpected character where it is', () => {
      assertRejects('1+$', "Unexpected character '$' at position 2", 2);
      assertRejects('2 = 2', "Unexpected character '=' at position 2", 2);
    });

    it('shows control characters as code points', () => {
      assertRejects('1\u0000', 'Unexpected character U+0000 at position 1', 1);
    });

    it('reports an unexpected end of the expression', () => {
      assertRejects('1 +', 'Unexpected end of expression at position 3', 3);
    });

    it('reports a missing closing parenthesis and where the group opened', () => {
      assertRejects('2 * (1 + 2', "Missing ')' at position 10 to close the '(' at position 4", 10);
      assertRejects('max(1, 2', "Missing ')' at position 8 to close the '(' at position 3", 8);
    });

    it('does not support implicit multiplication', () => {
      assertRejects('2(3)', "Unexpected '(' at position 1 (implicit multiplication is not supported; use '*')", 1);
      assertRejects('2pi', "Unexpected 'pi' at position 1 (implicit multiplication is not supported; use '*')", 1);
      assertRejects('(1)(2)', "Unexpected '(' at position 3 (implicit multiplication is not supported; use '*')", 3);
      assertRejects('2 3', "Unexpected '3' at position 2", 2);
    });

    it('rejects an empty or blank expression', () => {
      assertRejects('', 'Expression is empty', 0);
      assertRejects(' \t\n ', 'Expression is empty', 0);
      assertRejects('()', "Unexpected ')' at position 1", 1);
    });

    it('reports lexical errors before syntax errors and syntax errors before arithmetic ones', () => {
      assertRejects('1/0 + (', 'Unexpected end of expression at position 7', 7);
      assertRejects('(1/0 $', "Unexpected character '$' at position 5", 5);
    });
  });

  describe('arithmetic errors', () => {
    it('rejects division by zero, pointing at the operator', () => {
      assertRejects('10 / 0', 'Division by zero at position 3', 3);
      assertRejects('1/(2-2)', 'Division by zero at position 1', 1);
      assertRejects('1/-0', 'Division by zero at position 1', 1);
    });

    it('rejects modulo by zero, pointing at the operator', () => {
      assertRejects('5 % 0', 'Modulo by zero at position 2', 2);
    });

    it('rejects results that are not finite numbers', () => {
      assertRejects('sqrt(-1)', 'Result is not a finite number at position 0', 0);
      assertRejects('ln(0)', 'Result is not a finite number at position 0', 0);
      assertRejects('10^400', 'Result is not a finite number at position 2', 2);
      assertRejects('1 + asin(2)', 'Result is not a finite number at position 4', 4);
    });

    it('rejects intermediate results that overflow even when the final one would be finite', () => {
      assertRejects('1e308 * 10 / 10', 'Result is not a finite number at position 6', 6);
    });
  });

  describe('limits', () => {
    it(`accepts ${MAX_EXPRESSION_LENGTH} characters but not one more`, () => {
      const atLimit = `1${'+1'.repeat((MAX_EXPRESSION_LENGTH - 1) / 2)} `;
      assert.equal(atLimit.length, MAX_EXPRESSION_LENGTH);
      assert.equal(evaluateExpression(atLimit), 500);
      assertRejects(
        `${atLimit} `,
        `Expression is too long (at most ${MAX_EXPRESSION_LENGTH} characters)`,
        MAX_EXPRESSION_LENGTH,
      );
    });

    it(`accepts ${MAX_EXPRESSION_DEPTH} nested parentheses but not one more`, () => {
      const nested = (depth: number): string => `${'('.repeat(depth)}1${')'.repeat(depth)}`;
      assert.equal(evaluateExpression(nested(MAX_EXPRESSION_DEPTH)), 1);
      assertRejects(
        nested(MAX_EXPRESSION_DEPTH + 1),
        `Expression is nested too deeply (at most ${MAX_EXPRESSION_DEPTH} levels) at position ${MAX_EXPRESSION_DEPTH}`,
        MAX_EXPRESSION_DEPTH,
      );
    });

    it('counts function calls towards the nesting depth', () => {
      const calls = `${'abs('.repeat(MAX_EXPRESSION_DEPTH + 1)}1${')'.repeat(MAX_EXPRESSION_DEPTH + 1)}`;
      assertBadExpression(calls);
      assert.equal(
        evaluateExpression(`${'abs('.repeat(MAX_EXPRESSION_DEPTH)}-1${')'.repeat(MAX_EXPRESSION_DEPTH)}`),
        1,
      );
    });

    it('evaluates long chains of unary signs and powers within the length limit', () => {
      assert.equal(evaluateExpression(`${'-'.repeat(998)}1`), 1);
      assert.equal(evaluateExpression(`1${'^1'.repeat(499)}`), 1);
    });
  });

  describe('safety', () => {
    it('rejects property access and calls such as process.exit()', () => {
      assertRejects('process.exit()', "Unexpected character '.' at position 7", 7);
    });

    it('rejects constructor and __proto__ as unknown names', () => {
      assertRejects('constructor', "Unknown name 'constructor' at position 0; known constants: pi, e", 0);
      assertRejects('__proto__', "Unknown name '__proto__' at position 0; known constants: pi, e", 0);
      assertRejects('constructor(1)', `Unknown function 'constructor' at position 0; known: ${KNOWN_FUNCTIONS}`, 0);
    });

    it('rejects names inherited from Object.prototype and JavaScript syntax', () => {
      for (const source of [
        'toString(1)',
        'hasOwnProperty(1)',
        'valueOf',
        '__proto__(1)',
        'this',
        'globalThis',
        'Math.PI',
        '[1]',
        '"1"',
        '`1`',
        '1; 2',
        'x => x',
        '1 ? 2 : 3',
        '1 && 2',
        'new Date()',
        '0x10',
      ]) {
        assertBadExpression(source);
      }
    });
  });
});

describe('formatNumber', () => {
  it('rounds to 12 significant digits and drops trailing zeros', () => {
    assert.equal(formatNumber(evaluateExpression('0.1+0.2')), '0.3');
    assert.equal(formatNumber(evaluateExpression('1/3')), '0.333333333333');
    assert.equal(formatNumber(evaluateExpression('2/3')), '0.666666666667');
    assert.equal(formatNumber(2.5), '2.5');
    assert.equal(formatNumber(-42), '-42');
    assert.equal(formatNumber(123456.789), '123456.789');
  });

  it('prints zero and negative zero as 0', () => {
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(-0), '0');
  });

  it('uses plain notation for magnitudes in [1e-6, 1e15)', () => {
    assert.equal(formatNumber(1e-6), '0.000001');
    assert.equal(formatNumber(-0.0000123), '-0.0000123');
    assert.equal(formatNumber(999999999999), '999999999999');
    assert.equal(formatNumber(1e14), '100000000000000');
    assert.equal(formatNumber(123456789012345), '123456789012000');
  });

  it('uses exponent notation outside [1e-6, 1e15), also when rounding reaches 1e15', () => {
    assert.equal(formatNumber(evaluateExpression('2^60')), '1.15292150461e+18');
    assert.equal(formatNumber(1e15), '1e+15');
    assert.equal(formatNumber(999999999999999.9), '1e+15');
    assert.equal(formatNumber(1e-7), '1e-7');
    assert.equal(formatNumber(-1.23456789e-9), '-1.23456789e-9');
  });

  it('prints non-finite values as String does', () => {
    assert.equal(formatNumber(Number.NaN), 'NaN');
    assert.equal(formatNumber(Number.POSITIVE_INFINITY), 'Infinity');
  });
});
