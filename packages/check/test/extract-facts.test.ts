import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exactShape, exactShapes } from '../src/exact-shape.js';
import { extractFacts } from '../src/extract-facts.js';

describe('extractFacts', () => {
  it('keeps top-level declarations of every concept kind with their positions', () => {
    const facts = extractFacts(
      'a.ts',
      'export class A {}\ninterface I {}\ntype T = { a: 1 };\nenum E { X }\nfunction f() {}\nexport const g = () => 1;\n',
    );
    assert.deepEqual(
      facts.declarations.map((d) => [d.name, d.kind, d.line, d.exported]),
      [
        ['A', 'class', 1, true],
        ['I', 'interface', 2, false],
        ['T', 'type', 3, false],
        ['E', 'enum', 4, false],
        ['f', 'function', 5, false],
        ['g', 'function', 6, true],
      ],
    );
  });

  it('treats const X = Y, const X = ns.Y and type X = Y as aliases, not declarations', () => {
    const facts = extractFacts('a.ts', 'const X = Y;\nconst Z = ns.Q;\ntype W = ns.V;\nconst n = 1;\n');
    assert.deepEqual(facts.declarations, []);
    assert.deepEqual(
      facts.aliases.map((a) => [a.name, a.target]),
      [
        ['X', { name: 'Y' }],
        ['Z', { name: 'ns', member: 'Q' }],
        ['W', { name: 'ns', member: 'V' }],
      ],
    );
  });

  it('skips ambient declarations and overload signatures', () => {
    const facts = extractFacts(
      'a.ts',
      'declare class D {}\nexport function o(a: string): void;\nexport function o(a: unknown) {}\n',
    );
    assert.deepEqual(
      facts.declarations.map((d) => d.name),
      ['o'],
    );
  });

  it('keeps only the types of a declaration file: its classes, functions, enums and variables are ambient', () => {
    const source = [
      'export class C { private constructor(); m(): void; }',
      'export function f(a: string): void;',
      'export enum E { A }',
      'export const v: number;',
      'export interface I { a: string }',
      '/** @deprecated use I */',
      'export type J = I;',
      'export type K = { k: number };',
    ].join('\n');
    for (const fileName of ['types.d.ts', 'types.d.mts', 'types.d.cts']) {
      const facts = extractFacts(fileName, source);
      assert.deepEqual(
        facts.declarations.map((d) => [d.name, d.kind, d.line]),
        [
          ['I', 'interface', 5],
          ['K', 'type', 8],
        ],
        fileName,
      );
      assert.deepEqual(
        facts.aliases.map((a) => [a.name, a.target, a.deprecated]),
        [['J', { name: 'I' }, true]],
      );
      assert.deepEqual(facts.parseErrors, []);
    }
    // The same text in a .ts file defines the class and the enum (the bodiless function is an overload signature).
    assert.deepEqual(
      extractFacts('types.ts', source.replace('export const v: number;', '')).declarations.map((d) => d.name),
      ['C', 'E', 'I', 'K'],
    );
  });

  it('marks private, protected and @factoryOnly classes with their allowed modules', () => {
    const facts = extractFacts(
      'a.ts',
      'class P { private constructor() {} }\nclass Q { protected constructor() {} }\n/** @factoryOnly ./make.ts ./other.ts */\nclass R {}\n',
    );
    assert.deepEqual(
      facts.declarations.map((d) => d.factoryOnly),
      [
        { reason: 'private-constructor', allowedModules: [] },
        { reason: 'protected-constructor', allowedModules: [] },
        { reason: 'tsdoc', allowedModules: ['./make.ts', './other.ts'] },
      ],
    );
  });

  it('reads @deprecated and @factoryOnly as TSDoc tags, not when prose mentions them in code spans', () => {
    const facts = extractFacts(
      'a.ts',
      [
        '/** Skipped unless marked `@deprecated`. */',
        'export const A = Y;',
        '/**',
        ' * Old name.',
        ' * @deprecated use Y',
        ' */',
        'export const B = Y;',
        '/** Unlike `@factoryOnly` classes, build it freely. */',
        'export class C {}',
      ].join('\n'),
    );
    assert.deepEqual(
      facts.aliases.map((a) => [a.name, a.deprecated]),
      [
        ['A', false],
        ['B', true],
      ],
    );
    assert.equal(facts.declarations[0]?.factoryOnly, undefined);
  });

  it('sees that a subclass adds nothing only when its body is empty or a pass-through constructor', () => {
    const facts = extractFacts(
      'a.ts',
      [
        'class A extends B {}',
        'class C extends B { constructor(a, b) { super(a, b); } }',
        'class D extends B { constructor(a, b) { super(b, a); } }',
        'class E extends B { x = 1 }',
        'class F extends B { constructor(private a: number) { super(a); } }',
      ].join('\n'),
    );
    assert.deepEqual(
      facts.declarations.map((d) => [d.name, d.addsNothing ?? false]),
      [
        ['A', true],
        ['C', true],
        ['D', false],
        ['E', false],
        ['F', false],
      ],
    );
  });

  it('gives bodies equal after renaming the same shape, and different code a different one', () => {
    const body = (a: string, b: string, op: string) =>
      `export function f${a}(${a}: number[], ${b}: number) { let total = 0; for (const item of ${a}) { if (item > ${b}) total ${op}= item * 2; else total -= Math.min(item, ${b}); } if (total < 0) throw new RangeError('negative'); return { total, count: ${a}.length }; }`;
    const [one] = extractFacts('a.ts', body('x', 'y', '+')).declarations;
    const [two] = extractFacts('b.ts', body('values', 'limit', '+')).declarations;
    const [three] = extractFacts('c.ts', body('x', 'y', '*')).declarations;
    assert.ok(one?.sketch !== undefined);
    assert.equal(one?.sketch, two?.sketch);
    assert.notEqual(one?.sketch, three?.sketch);
    const exact = (file: string, source: string) => {
      const [declaration] = extractFacts(file, source).declarations;
      assert.ok(declaration?.shapeSource !== undefined);
      return exactShape(file, source, declaration.kind, declaration.shapeSource);
    };
    const shapeOne = exact('a.ts', body('x', 'y', '+'));
    assert.ok(shapeOne !== undefined);
    assert.deepEqual(shapeOne, exact('b.ts', body('values', 'limit', '+')));
    assert.notEqual(shapeOne.exact, exact('c.ts', body('x', 'y', '*'))?.exact);
    // An arrow function in a const is parsed from its own text too; `async` is not part of the shape.
    const arrow = `export const g = async ${body('x', 'y', '+').slice('export function fx'.length).replace(') {', ') => {')};`;
    assert.deepEqual(exact('d.ts', arrow), shapeOne);
    // Sizes are counted: a `let`, a `for` and its `const`, 2 `if`, the two branches, a `throw` and a `return`.
    assert.equal(shapeOne.statements, 9);
    assert.equal(exact('e.ts', 'export function tiny(a: number) { return a + 1; }')?.statements, 1);
  });

  it("shapes all of a file's declarations from one parse, each as alone, even when they cannot share one", () => {
    const source = [
      'export function twice(a: number) { return a * 2; }',
      'export const half = (a: number) => a / 2;',
      'export const Box = class { a = 1; b() { return this.a; } };',
      'exports.sum = function (a, b) { return a + b; };',
      // Declared twice: the joined text does not parse, so each declaration is parsed alone.
      'function twice(a: number) { return a + a; }',
    ].join('\n');
    const requests = extractFacts('a.ts', source).declarations.flatMap(({ kind, shapeSource }) =>
      shapeSource === undefined ? [] : [{ kind, at: shapeSource }],
    );
    assert.equal(requests.length, 5);
    const alone = requests.map(({ kind, at }) => exactShape('a.ts', source, kind, at));
    assert.ok(alone.every((shape) => shape !== undefined));
    assert.deepEqual(exactShapes('a.ts', source, requests), alone);
    const withoutRedeclaration = requests.slice(0, 4);
    assert.deepEqual(exactShapes('a.ts', source, withoutRedeclaration), alone.slice(0, 4));
    // A declaration that no longer parses as what it was has no shape, and costs the others nothing.
    const changed = source.replace('=> a / 2', '=> a / )'); // same length: the other offsets still hold
    const shapes = exactShapes('a.ts', changed, withoutRedeclaration);
    assert.equal(shapes[1], undefined);
    assert.deepEqual([shapes[0], shapes[2], shapes[3]], [alone[0], alone[2], alone[3]]);
  });

  it('tells copies with other constants apart in the exact shape only, and sketches them alike', () => {
    const body = (limit: string, label: string) =>
      `export function f(x: number) {\n  if (x > ${limit}) return '${label}';\n  return 'ok';\n}\n`;
    const [one] = extractFacts('a.ts', body('10', 'too big')).declarations;
    const [two] = extractFacts('b.ts', body('99', 'over the limit')).declarations;
    assert.ok(one?.shapeSource !== undefined && two?.shapeSource !== undefined);
    assert.equal(one.sketch, two.sketch);
    const a = exactShape('a.ts', body('10', 'too big'), one.kind, one.shapeSource);
    const b = exactShape('b.ts', body('99', 'over the limit'), two.kind, two.shapeSource);
    assert.notEqual(a?.exact, b?.exact);
    assert.equal(a?.blind, b?.blind);
    // true, false and null are not constants a copy would change: they stay in the blind shape.
    const flipped = body('10', 'too big').replace("return 'ok'", 'return false');
    const three = extractFacts('c.ts', flipped).declarations[0];
    assert.ok(three?.shapeSource !== undefined);
    assert.notEqual(exactShape('c.ts', flipped, three.kind, three.shapeSource)?.blind, a?.blind);
  });

  it('sketches from the text, so a function body is never parsed into the AST, and keeps what the facts read', () => {
    const facts = extractFacts(
      'a.ts',
      [
        'export class A extends B { constructor(a: number) { super(a); } }',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source under test holds a template literal
        'export class C { m() { const re = /}{/; return `${re}}`; } n() { return new D(); } }',
        'export function f() { if (x) { return { a: 1 }; } return new (cond ? E : F)(); }',
        "import G, { h } from './g.js';",
      ].join('\n'),
    );
    assert.deepEqual(
      facts.declarations.map((d) => [d.name, d.kind, d.addsNothing ?? false, d.sketch !== undefined]),
      [
        ['A', 'class', true, false],
        ['C', 'class', false, true],
        ['f', 'function', false, true],
      ],
    );
    assert.deepEqual(
      facts.newSites.map((site) => [site.text, site.line]),
      [
        ['D', 2],
        ['cond ? E : F', 3],
      ],
    );
    assert.deepEqual(
      facts.imports.map((i) => i.local),
      ['G', 'h'],
    );
    assert.deepEqual(facts.parseErrors, []);
  });

  it('reports syntax errors in the structure it reads, and in a body when the text cannot be scanned', () => {
    const inMembers = extractFacts('a.ts', 'export class A {\n  x = ;\n  m() { return 1; }\n}\n');
    assert.equal(inMembers.parseErrors.length, 1);
    assert.match(inMembers.parseErrors[0] ?? '', /^2:/);
    const unterminated = extractFacts('b.ts', "export function f() {\n  return 'a;\n}\n");
    assert.ok(unterminated.parseErrors.length > 0);
    assert.match(unterminated.parseErrors[0] ?? '', /^2:/);
  });

  it('records imports, exports and re-exports with default, namespace, renamed and star forms', () => {
    const facts = extractFacts(
      'a.ts',
      "import D, { a as b } from './x.js';\nimport * as ns from './ns.js';\nexport { b as c };\nexport * from './s.js';\nexport * as m from './m.js';\nexport default D;\n",
    );
    assert.deepEqual(
      facts.imports.map((i) => [i.local, i.imported, i.source]),
      [
        ['D', 'default', './x.js'],
        ['b', 'a', './x.js'],
        ['ns', '*', './ns.js'],
      ],
    );
    assert.deepEqual(
      facts.exports.map((e) => [e.form, e.exported, e.local ?? e.imported ?? null, e.source ?? null]),
      [
        ['reexport', 'c', 'a', './x.js'], // re-exporting an import is an indirect export of its source
        ['star', '*', null, './s.js'],
        ['reexport', 'm', '*', './m.js'],
        ['local', 'default', 'D', null],
      ],
    );
  });

  it('names new sites it can resolve statically and leaves the rest without a callee', () => {
    const facts = extractFacts('a.ts', 'new A();\nnew ns.B();\nnew (c ? A : B)();\nnew this.kind();\n');
    assert.deepEqual(
      facts.newSites.map((s) => [s.line, s.callee ?? null, s.text]),
      [
        [1, { name: 'A' }, 'A'],
        [2, { name: 'ns', member: 'B' }, 'ns.B'],
        [3, null, 'c ? A : B'],
        [4, null, 'this.kind'],
      ],
    );
  });

  it('finds new sites once each, nested and inside functions, classes and top-level code, in source order', () => {
    const facts = extractFacts(
      'a.ts',
      'const x = new A(new B());\nfunction f() { return new C(); }\nclass K extends (new E()).constructor { m() { return new D(); } }\n',
    );
    assert.deepEqual(
      facts.newSites.map((s) => `${s.line}:${s.column} ${s.text}`),
      ['1:11 A', '1:17 B', '2:23 C', '3:18 E', '3:54 D'],
    );
  });

  it('keeps the facts that parsed and reports syntax errors with a position', () => {
    const facts = extractFacts('a.ts', 'export class A {}\nconst = ;\n');
    assert.equal(facts.parseErrors.length > 0, true);
    assert.match(facts.parseErrors[0] ?? '', /^2:\d+ /);
  });
});
