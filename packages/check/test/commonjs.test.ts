import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractFacts } from '../src/extract-facts.js';
import { checkTree } from './check-fixture.js';
import { tempTree } from './temp-tree.js';

describe('CommonJS', () => {
  it('reads require, destructured and member requires, module.exports and exports.x as imports and exports', () => {
    const facts = extractFacts(
      'lib/a.js',
      [
        "'use strict'",
        "const path = require('node:path')",
        "const { Router, helper: help } = require('./router')",
        "const Base = require('./base').Base",
        'function build () { return 1 }',
        'exports.build = build',
        'exports.make = function make () { return 2 }',
        "module.exports.Other = require('./other').Thing",
        'module.exports = { build, alias: help }',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      facts.imports.map((i) => [i.local, i.imported, i.source, i.require === true]),
      [
        ['path', '*', 'node:path', true],
        ['Router', 'Router', './router', false],
        ['help', 'helper', './router', false],
        ['Base', 'Base', './base', false],
      ],
    );
    assert.deepEqual(
      facts.exports.map((e) => [e.form, e.exported, e.local ?? e.imported, e.source]),
      [
        ['local', 'build', 'build', undefined],
        ['local', 'make', 'make', undefined],
        ['reexport', 'Other', 'Thing', './other'],
        ['local', 'build', 'build', undefined],
        ['local', 'alias', 'help', undefined],
      ],
    );
    assert.deepEqual(
      facts.declarations.map((d) => [d.name, d.kind, d.exported]),
      [
        ['build', 'function', false],
        ['make', 'function', true],
      ],
    );
    assert.equal(facts.commonJs, true);
  });

  it('follows require through module.exports re-exports for shims and factory bypasses, with CommonJS fixes', async () => {
    const tree = tempTree({
      'lib/router.js': 'class Router {\n  route (path) { return path }\n}\nmodule.exports = { Router }\n',
      'lib/index.js': "module.exports = require('./router')\n",
      'lib/compat.js':
        "const { Router } = require('./index')\nclass CompatRouter extends Router {}\nmodule.exports = { CompatRouter }\n",
      'lib/quality.js': "exports.QualityRouter = require('./router').Router\n",
      'lib/tracker.js': '/** @factoryOnly */\nclass Tracker {\n  start () {}\n}\nmodule.exports = Tracker\n',
      'lib/app.js':
        "const Tracker = require('./tracker')\nconst tracker = new Tracker()\nmodule.exports = { tracker }\n",
      'lib/other/router.js': 'class Router {}\nexports.Router = Router\n',
    });
    try {
      const { result, findings } = await checkTree(tree.dir);
      assert.deepEqual(
        findings.map((f) => `${f.rule} ${f.concept} ${f.file}`),
        [
          'duplicate-definition Router lib/other/router.js',
          'shim-subclass CompatRouter lib/compat.js',
          'factory-bypass Tracker lib/app.js',
        ],
      );
      const fixes = result.findings.map((f) => f.fix);
      assert.match(fixes[0] ?? '', /replace each copy with `exports\.Router = require\('\.\.\/router\.js'\)\.Router`/);
      assert.equal(fixes[1], "replace the class with `exports.CompatRouter = require('./router.js').Router`");
    } finally {
      tree.remove();
    }
  });
});
