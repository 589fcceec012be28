import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { FileFacts } from '../src/facts.js';
import { extractFileFacts, prepareFrontEnds } from '../src/front-ends.js';
import { scanPython } from '../src/python/python-scan.js';
import { PythonSkeleton } from '../src/python/python-skeleton.js';

const facts = (source: string): FileFacts => extractFileFacts('/tree/pkg/mod.py', source);

describe('the Python front end', () => {
  before(() => prepareFrontEnds(['/tree/pkg/mod.py']));

  it('reads every import form as a binding and as a name the module offers', () => {
    const { imports, exports } = facts(
      'import a.b as c, d.e\nfrom . import x\nfrom ..pkg.mod import (Y as Z,\n    W)\nfrom m import *\nfrom __future__ import annotations\n',
    );
    assert.deepEqual(
      imports.map(({ local, imported, source, line }) => [local, imported, source, line]),
      [
        ['c', '*', 'a.b', 1],
        ['d', '*', 'd', 1],
        ['x', 'x', '.', 2],
        ['Z', 'Y', '..pkg.mod', 3],
        ['W', 'W', '..pkg.mod', 4],
      ],
    );
    assert.deepEqual(
      exports.map(({ form, exported, source }) => [form, exported, source]),
      [
        ['reexport', 'c', 'a.b'],
        ['reexport', 'd', 'd'],
        ['reexport', 'x', '.'],
        ['reexport', 'Z', '..pkg.mod'],
        ['reexport', 'W', '..pkg.mod'],
        ['star', '*', 'm'],
      ],
    );
  });

  it('keeps module-level aliases, marks deprecated ones, and leaves other assignments as bindings', () => {
    const { aliases, bindings } = facts(
      'QualityMessageRouter = MessageRouter\n# @deprecated: use tracking.Tracker\nOldTracker = tracking.Tracker\ncache = {}\nn: int = len(cache)\n',
    );
    assert.deepEqual(aliases, [
      {
        name: 'QualityMessageRouter',
        target: { name: 'MessageRouter' },
        exported: true,
        deprecated: false,
        line: 1,
        column: 1,
      },
      {
        name: 'OldTracker',
        target: { name: 'tracking', member: 'Tracker' },
        exported: true,
        deprecated: true,
        line: 3,
        column: 1,
      },
    ]);
    assert.deepEqual(bindings, ['cache', 'n']);
  });

  it('exports what __all__ lists, or else every name without a leading underscore', () => {
    const listed = facts('__all__ = ["Kept"]\nclass Kept: pass\nclass Other: pass\n');
    assert.deepEqual(
      listed.declarations.map(({ name, exported }) => [name, exported]),
      [
        ['Kept', true],
        ['Other', false],
      ],
    );
    const unlisted = facts('class Public: pass\nclass _Private: pass\n');
    assert.deepEqual(
      unlisted.declarations.map(({ name, exported }) => [name, exported]),
      [
        ['Public', true],
        ['_Private', false],
      ],
    );
  });

  it('tells a subclass that adds nothing from one that adds something', () => {
    const { declarations } = facts(
      [
        'class A(Base):\n    pass',
        'class B(Base):\n    """Old name."""',
        'class C(base.Base):\n    def __init__(self, a, *args, **kwargs):\n        super().__init__(a, *args, **kwargs)',
        'class D(Base):\n    def __init__(self, a):\n        super().__init__(a, 1)',
        'class E(Base, Mixin):\n    pass',
        'class F(Base, metaclass=Meta):\n    pass',
        '@dataclass\nclass G(Base):\n    pass',
        'class H(Base):\n    limit = 3',
        'class I(Base):\n    @property\n    @cached\n    def size(self):\n        return 1',
        // A constructor of more statements than a docstring and the call is cut before parsing, super or not.
        'class J(Base):\n    def __init__(self, a):\n        """Doc."""\n        super().__init__(a)',
        'class K(Base):\n    def __init__(self, a):\n        self.a = a\n        super().__init__(a)\n        self.b = 2',
      ].join('\n\n\n'),
    );
    assert.deepEqual(
      declarations.map(({ name, extends: base, addsNothing }) => [name, base, addsNothing ?? false]),
      [
        ['A', { name: 'Base' }, true],
        ['B', { name: 'Base' }, true],
        ['C', { name: 'base', member: 'Base' }, true],
        ['D', { name: 'Base' }, false],
        ['E', { name: 'Base' }, false],
        ['F', { name: 'Base' }, false],
        ['G', { name: 'Base' }, false],
        ['H', { name: 'Base' }, false],
        ['I', { name: 'Base' }, false],
        ['J', { name: 'Base' }, true],
        ['K', { name: 'Base' }, false],
      ],
    );
  });

  it('keeps for parsing only a constructor that may pass its arguments through: at most two statements, one calling super', () => {
    const source = [
      'class J(Base):\n    def __init__(self, a):\n        """Doc."""\n        super().__init__(a)',
      'class K(Base):\n    def __init__(self, a):\n        self.a = a\n        super().__init__(a)\n        self.b = 2',
    ].join('\n\n\n');
    const { text } = new PythonSkeleton(source, scanPython(source));
    assert.match(text, /class J\(Base\):\n {4}def __init__\(self, a\):\n {8}""""""\n {8}super\(\)\.__init__\(a\)/);
    assert.doesNotMatch(text, /self\.b/);
  });

  it('reads the same facts although simple statements of classes and values of assignments are cut before parsing', () => {
    const { declarations, aliases, bindings, newSites } = facts(
      [
        'class Base:\n    pass',
        'class Prefixed(Base):\n    r"""Old name."""',
        'class One(Base):\n    limit = compute(\n        1)',
        'class Two(Base):\n    limit = compute(\n        1)  # a comment is a member too',
        'Alias = Base\nTable = {\n    "a": Base(),\n}\nChained = Other = Base\nregister(Base())\nLater = mod.Base',
      ].join('\n\n\n'),
    );
    assert.deepEqual(
      declarations.map(({ name, addsNothing, sketch }) => [name, addsNothing ?? false, sketch !== undefined]),
      [
        ['Base', false, false],
        ['Prefixed', true, false],
        ['One', false, false],
        ['Two', false, true],
      ],
    );
    assert.deepEqual(
      aliases.map(({ name, target, line }) => [name, target, line]),
      [
        ['Alias', { name: 'Base' }, 19],
        ['Later', { name: 'mod', member: 'Base' }, 25],
      ],
    );
    assert.deepEqual(bindings, ['Table', 'Chained']);
    assert.deepEqual(
      newSites.map(({ text, line }) => [text, line]),
      [
        ['Base', 21],
        ['Base', 24],
      ],
    );
  });

  it('reads a class of many members cut as one, and a statement after a byte order mark, as they are written', () => {
    const members = Array.from({ length: 6 }, (_, i) => `    def m${i}(self):\n        return ${i}\n`).join('');
    const source = `\ufefffrom . import util\n\nclass Big(Base):\n    """Doc."""\n    limit = 3\n${members}    # the end\n\nAfter = Big\n`;
    const { declarations, imports, aliases } = facts(source);
    const big = declarations[0];
    assert.deepEqual([big?.name, big?.addsNothing, big?.sketch !== undefined], ['Big', undefined, true]);
    assert.ok(big?.shapeSource !== undefined && source.slice(big.shapeSource.start).startsWith('class Big'));
    assert.ok(source.slice(0, big?.shapeSource?.end).endsWith('return 5\n    # the end\n\n'));
    assert.deepEqual(
      imports.map(({ local, line }) => [local, line]),
      [['util', 1]],
    );
    assert.deepEqual(aliases[0]?.line, 20);
  });

  it("still reports Python 2's exec statement outside functions as a syntax error, as the whole source parsed does", () => {
    assert.deepEqual(facts("import sys\nexec 'x = %s' % sys.argv[1]\n").parseErrors, ['2:6 invalid syntax']);
  });

  it('reads the # @factoryOnly marker above a class, its decorators, or on its line, with the factory modules after it', () => {
    const { declarations } = facts(
      '# One per process.\n# @factoryOnly ./factory.py\n@final\nclass Tracker:\n    pass\n\n\nclass Store:  # @factoryOnly\n    pass\n\n\n# not @factoryOnlyish\nclass Free:\n    pass\n',
    );
    assert.deepEqual(
      declarations.map(({ name, factoryOnly }) => [name, factoryOnly]),
      [
        ['Tracker', { reason: 'tsdoc', allowedModules: ['./factory.py'] }],
        ['Store', { reason: 'tsdoc', allowedModules: [] }],
        ['Free', undefined],
      ],
    );
  });

  it('records calls of module-level names as construction sites, not those in strings, comments or of other names', () => {
    const { newSites } = facts(
      'import tracking\nfrom .core import Tracker\n\n\ndef make(kind):\n    # Tracker() in a comment\n    text = "Tracker()"\n    local = helper()\n    return Tracker(kind), tracking.Tracker(), x.tracking.Tracker()\n',
    );
    assert.deepEqual(newSites, [
      { callee: { name: 'Tracker' }, text: 'Tracker', call: true, line: 9, column: 12 },
      { callee: { name: 'tracking', member: 'Tracker' }, text: 'tracking.Tracker', call: true, line: 9, column: 27 },
    ]);
  });

  it("takes the functions a script's __main__ block runs for entry points", () => {
    const { declarations } = facts(
      'def main():\n    run()\n\n\ndef helper():\n    pass\n\n\nif __name__ == "__main__":\n    main()\n',
    );
    assert.deepEqual(
      declarations.map(({ name, entryPoint }) => [name, entryPoint ?? false]),
      [
        ['main', true],
        ['helper', false],
      ],
    );
  });

  it('reads what is defined under a top-level if, try or with as the module’s own', () => {
    const { declarations, imports } = facts(
      'try:\n    import json\nexcept ImportError:\n    json = None\nif PY3:\n    class Text(str):\n        def upper(self):\n            return self\nelse:\n    def text():\n        return 1\n',
    );
    assert.deepEqual(
      declarations.map(({ name, kind, line }) => [name, kind, line]),
      [
        ['Text', 'class', 6],
        ['text', 'function', 10],
      ],
    );
    assert.deepEqual(
      imports.map(({ local }) => local),
      ['json'],
    );
  });

  it('places every fact at its line and column in the source although function bodies are cut before parsing', () => {
    const body = Array.from({ length: 30 }, (_, i) => `    x${i} = "é" * ${i}  # comment ${i}\n`).join('');
    const source = `def long():\n    """Doc\n    string."""\n${body}    return x0\n\n\nclass After:  # é\n    def m(self):\n        return 1\n\nAlias = After\n`;
    const { declarations, aliases } = facts(source);
    assert.deepEqual(
      declarations.map(({ name, line, column }) => [name, line, column]),
      [
        ['long', 1, 5],
        ['After', 37, 7],
      ],
    );
    assert.deepEqual(aliases[0] && [aliases[0].line, aliases[0].column], [41, 1]);
    const long = declarations[0]?.shapeSource;
    assert.ok(long !== undefined && source.slice(long.start, long.end).trimEnd().endsWith('return x0'));
  });

  it('reports syntax errors at their real place, parsing the whole source when the cut one fails', () => {
    const { parseErrors, declarations } = facts('class Fine:\n    pass\n\n\ndef broken(:\n    return 1\n');
    assert.deepEqual(parseErrors, ["5:12 missing ')'"]);
    assert.equal(declarations[0]?.name, 'Fine'); // tree-sitter recovers: what parsed is still read
  });

  it('marks a file whose header says it is generated', () => {
    assert.equal(facts('# Code generated by protoc. DO NOT EDIT.\nclass Message: pass\n').generated, true);
    assert.equal(facts('# Routes messages.\nclass Router: pass\n').generated, undefined);
  });
});
