import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonReport } from '../src/reporters/json-reporter.js';
import { runCheck } from '../src/run-check.js';
import { tempTree } from './temp-tree.js';
import { captureIo } from './test-io.js';

const CLEAN = 'export class Router {}\n';
const BROKEN = 'export class Broken {\n  method( {\n}\n';

describe('honest exits', () => {
  it('exits 2 for an empty folder and says what it searched', async () => {
    const tree = tempTree({ 'src/README.md': '# nothing to check\n' });
    try {
      const io = captureIo(tree.dir);
      assert.equal(await runCheck({ paths: ['src'], cache: false }, io), 2);
      assert.equal(io.out(), '');
      assert.match(
        io.err(),
        /^runwire check: No source file to check in 'src' \(include: \*\*\/\*\.\{ts,tsx,mts,cts,js,jsx,mjs,cjs\}\): no file there has a TypeScript or JavaScript extension; give a folder with sources\n$/,
      );
    } finally {
      tree.remove();
    }
  });

  it('exits 2 for a folder of .d.ts files only and counts the files the excludes left out', async () => {
    const tree = tempTree({ 'types/a.d.ts': 'export interface A {}\n', 'types/b.d.ts': 'export type B = 1;\n' });
    try {
      const io = captureIo(tree.dir);
      assert.equal(await runCheck({ paths: ['types'], cache: false }, io), 2);
      assert.match(
        io.err(),
        /No source file to check in 'types' .*: 2 source files were left out by the exclude globs/,
      );
    } finally {
      tree.remove();
    }
  });

  it('exits 1 on a syntax error, with the score marked incomplete, and 0 with --allow-parse-errors', async () => {
    const tree = tempTree({ 'src/ok.ts': CLEAN, 'src/broken.ts': BROKEN });
    try {
      const failing = captureIo(tree.dir);
      assert.equal(await runCheck({ paths: ['src'], cache: false, format: 'json' }, failing), 1);
      const report = JSON.parse(failing.out()) as JsonReport;
      assert.equal(report.exitCode, 1);
      assert.equal(report.score.complete, false);
      assert.match(report.score.formula, /, incomplete: 1 file with parse problems$/);
      assert.deepEqual(
        report.parseProblems.map((problem) => problem.file),
        ['src/broken.ts'],
      );

      const allowed = captureIo(tree.dir);
      const code = await runCheck({ paths: ['src'], cache: false, allowParseErrors: true }, allowed);
      assert.equal(code, 0);
      assert.match(allowed.out(), /^parse problems \(1\)$/m);
      assert.match(
        allowed.out(),
        /^score 100 {2}\(100 × \d+ clean \/ \d+ concepts = 100, incomplete: 1 file with parse problems;/m,
      );
    } finally {
      tree.remove();
    }
  });

  it('keeps a tree that parses complete and passing', async () => {
    const tree = tempTree({ 'src/ok.ts': CLEAN });
    try {
      const io = captureIo(tree.dir);
      assert.equal(await runCheck({ paths: ['src'], cache: false, format: 'json' }, io), 0);
      const report = JSON.parse(io.out()) as JsonReport;
      assert.equal(report.score.complete, true);
      assert.equal(report.score.formula, '100 × 1 clean / 1 concepts = 100');
    } finally {
      tree.remove();
    }
  });
});
