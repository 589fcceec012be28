import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blankBlocks } from '../src/blank-blocks.js';

/** The skeleton's text with runs of spaces shown as one, to compare what is kept. */
function kept(source: string, ambient = false): string {
  const skeleton = blankBlocks(source, { ambient });
  assert.ok(skeleton !== undefined, 'the scan finishes');
  assert.equal(skeleton.text.length, source.length, 'every offset is kept');
  return skeleton.text.replace(/ {2,}/g, ' ');
}

describe('blankBlocks', () => {
  it('blanks function bodies and objects, keeps class members, import and export braces', () => {
    assert.equal(
      kept("import D, { a } from './a.js';\nexport function f(x) { return { x }; }\nclass C { m() { return 1; } }"),
      "import D, { a } from './a.js';\nexport function f(x) { }\nclass C { m() { } }",
    );
    assert.equal(kept('export const { a, b: { c } } = x;'), 'export const { a, b: { c } } = x;');
  });

  it('blanks the arguments of top-level calls but keeps parameters, control heads and parenthesised types', () => {
    assert.equal(kept("test('a', () => { run(); });"), 'test( );');
    assert.equal(kept('expect(a(b)).toBe(c);'), 'expect( ).toBe( );');
    assert.equal(kept('function f(a, b) { }'), 'function f(a, b) { }');
    assert.equal(kept('if (a) { b(); }'), 'if (a) { }');
    assert.equal(kept('const x = y as (A | B);'), 'const x = y as (A | B);');
    assert.equal(kept('const f = async (a) => a;'), 'const f = async (a) => a;');
    assert.equal(kept("import fs = require('node:fs');"), "import fs = require('node:fs');");
  });

  it('keeps a constructor that calls super and every block or call holding a new it cannot delimit', () => {
    assert.equal(
      kept('class A extends B { constructor(a) { super(a); } m() { return 1; } }'),
      'class A extends B { constructor(a) { super(a); } m() { } }',
    );
    assert.equal(kept('f(() => { g(); }, new (c ? A : B)());'), 'f(() => { }, new (c ? A : B)());');
  });

  it('finds new sites in the text, whatever it blanks, and tells them from new.target and members named new', () => {
    const source = 'function f() { new A(); new ns.B(x); new.target; x.new(); ({ new: 1 }); [...new Set(a)]; }';
    const skeleton = blankBlocks(source);
    assert.deepEqual(
      skeleton?.newSites.map((site) => source.slice(site.calleeStart, site.calleeEnd)),
      ['A', 'ns.B', 'Set'],
    );
    assert.deepEqual(skeleton?.astNewOffsets, []);
  });

  it('is not fooled by braces and parentheses in strings, templates, regular expressions and comments', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source under test holds a template literal
    const source = "f('}', `${'{'}`, /[}(]/, x / 2 /* } */); // {\nclass A { m() { return '{'; } }";
    assert.equal(kept(source), 'f( ); // {\nclass A { m() { } }');
  });

  it('in a declaration file, blanks every block but import and export braces', () => {
    assert.equal(
      kept("import { A } from './a.js';\nexport declare class C { m(): void; }\nexport { A };", true),
      "import { A } from './a.js';\nexport declare class C { }\nexport { A };",
    );
  });

  it('gives up on text it cannot scan with confidence', () => {
    assert.equal(blankBlocks('function f() { return "a; }'), undefined);
    assert.equal(blankBlocks('function f() { '), undefined);
  });
});
