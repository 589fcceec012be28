import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { JsonReport } from '../src/reporters/json-reporter.js';
import { fixturePath } from './check-fixture.js';
import { copyFixture } from './temp-tree.js';

// ajv-draft-04 and ajv-formats are CommonJS with `exports.default`; require gives their real exports under NodeNext.
const require = createRequire(import.meta.url);
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

const CLI = fileURLToPath(new URL('./run-cli.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** Runs the real command in a child process, as `runwire check …` would. */
function runwire(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', TSX, CLI, 'check', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// The SARIF 2.1.0 JSON schema (draft-04, "2.1.0-rtm.5", the version OASIS published as the 2.1.0 standard), vendored
// from the npm package @microsoft/jest-sarif@1.0.0-beta.0 (MIT), file lib/schemas/sarif-2.1.0-rtm.5.json.
const sarifSchema = JSON.parse(
  readFileSync(fileURLToPath(new URL('./sarif-2.1.0-rtm.5.schema.json', import.meta.url)), 'utf8'),
) as object;

function validateSarif(log: unknown): string[] {
  // The schema's language-tag pattern is not valid as a unicode regular expression, hence unicodeRegExp: false.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(sarifSchema);
  return validate(log) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

describe('runwire check (CLI)', () => {
  it('exits 0 on a tree at 100 and prints the score with how it was computed, without color off a TTY', () => {
    const run = runwire(fixturePath('routers-after'), '.', '--no-cache', '--min-score', '100');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^score 100 {2}\(100 × 3 clean \/ 3 concepts = 100;/m);
    assert.equal(run.stdout.includes('\u001b['), false, 'no ANSI escapes');
  });

  it('exits 1 with a JSON report of the exact findings when shims remain', () => {
    const run = runwire(fixturePath('routers-before'), '.', '--no-cache', '--format', 'json');
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(report.schema, 'runwire-check/v1');
    assert.equal(report.exitCode, 1);
    assert.deepEqual(report.score, {
      value: 60,
      concepts: 5,
      clean: 3,
      violated: 2,
      complete: true,
      formula: '100 × 3 clean / 5 concepts = 60',
    });
    assert.deepEqual(report.summary, {
      files: 4,
      parsed: 4,
      generated: 0,
      findings: 2,
      new: 2,
      baselined: 0,
      byRule: {
        'duplicate-definition': 0,
        'duplicate-shape': 0,
        'shim-subclass': 2,
        'factory-bypass': 0,
        'non-canonical-import': 0,
      },
    });
    const [first] = report.findings;
    assert.deepEqual(Object.keys(first ?? {}).sort(), [
      'baselined',
      'column',
      'concept',
      'concepts',
      'copies',
      'file',
      'fingerprint',
      'fix',
      'line',
      'message',
      'related',
      'rule',
      'severity',
    ]);
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.concept, f.file, f.line, f.severity]),
      [
        ['shim-subclass', 'CompatRouter', 'src/compat-router.ts', 3, 'error'],
        ['shim-subclass', 'LegacyRouter', 'src/legacy-router.ts', 4, 'error'],
      ],
    );
  });

  it('exits 1 below --min-score even when every finding is only a warning, and 0 at or above it', () => {
    const tree = copyFixture('routers-before');
    try {
      writeFileSync(join(tree.dir, 'runwire.config.json'), '{ "rules": { "shim-subclass": "warning" } }');
      assert.equal(runwire(tree.dir, 'src', '--no-cache').status, 0);
      assert.equal(runwire(tree.dir, 'src', '--no-cache', '--min-score', '60').status, 0);
      assert.equal(runwire(tree.dir, 'src', '--no-cache', '--min-score', '60.5').status, 1);
    } finally {
      tree.remove();
    }
  });

  it('writes SARIF 2.1.0 that validates against the schema, with related copies and concept fingerprints', () => {
    const run = runwire(fixturePath('duplicates'), '.', '--no-cache', '--format', 'sarif');
    assert.equal(run.status, 1, run.stderr);
    const log = JSON.parse(run.stdout) as {
      runs: {
        tool: { driver: { rules: { id: string }[] } };
        results: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
          relatedLocations: { physicalLocation: { artifactLocation: { uri: string } } }[];
          partialFingerprints: Record<string, string>;
        }[];
      }[];
    };
    assert.deepEqual(validateSarif(log), []);
    assert.notDeepEqual(validateSarif({ ...log, version: '2.0.0' }), [], 'the validator rejects a wrong version');
    const [run0] = log.runs;
    assert.deepEqual(
      run0?.tool.driver.rules.map((rule) => rule.id),
      ['duplicate-definition', 'duplicate-shape', 'shim-subclass', 'factory-bypass', 'non-canonical-import'],
    );
    const definition = run0?.results.find((result) => result.ruleId === 'duplicate-definition');
    assert.equal(definition?.locations[0]?.physicalLocation.artifactLocation.uri, 'src/b/retry.ts');
    assert.deepEqual(
      definition?.relatedLocations.map((location) => location.physicalLocation.artifactLocation.uri),
      ['src/a/retry.ts'],
    );
    assert.match(definition?.partialFingerprints['runwireConcept/v1'] ?? '', /^[0-9a-f]{32}$/);
  });

  it('writes a baseline on the first run, then fails only on new findings, whatever lines moved', () => {
    const tree = copyFixture('routers-before');
    try {
      const baseline = join(tree.dir, 'baseline.json');
      const first = runwire(tree.dir, 'src', '--no-cache', '--baseline', 'baseline.json');
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stderr, /wrote baseline baseline\.json with 2 findings/);
      assert.equal((JSON.parse(readFileSync(baseline, 'utf8')) as { findings: unknown[] }).findings.length, 2);

      const legacy = join(tree.dir, 'src/legacy-router.ts');
      writeFileSync(legacy, `\n\n\n${readFileSync(legacy, 'utf8')}`);
      const moved = runwire(tree.dir, 'src', '--no-cache', '--baseline', 'baseline.json', '--format', 'sarif');
      assert.equal(moved.status, 0, moved.stderr);
      const sarif = JSON.parse(moved.stdout) as { runs: { results: { suppressions?: { kind: string }[] }[] }[] };
      assert.deepEqual(validateSarif(sarif), []);
      assert.deepEqual(
        sarif.runs[0]?.results.map((result) => result.suppressions?.[0]?.kind),
        ['external', 'external'],
      );

      writeFileSync(
        join(tree.dir, 'src/third-router.ts'),
        "import { Router } from './router.js';\n\nexport class ThirdRouter extends Router {}\n",
      );
      const added = runwire(tree.dir, 'src', '--no-cache', '--baseline', 'baseline.json', '--format', 'json');
      assert.equal(added.status, 1);
      const report = JSON.parse(added.stdout) as JsonReport;
      assert.deepEqual(
        report.findings.filter((f) => !f.baselined).map((f) => f.concept),
        ['ThirdRouter'],
      );
    } finally {
      tree.remove();
    }
  });

  it('exits 2 and names the path for an unreadable path', () => {
    const run = runwire(fixturePath('routers-after'), 'no-such-dir', '--no-cache');
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^runwire check: Cannot read '.*no-such-dir': no such file or directory; check the path/);
  });

  it('exits 2 and names the file and key for a bad config', () => {
    const tree = copyFixture('routers-after');
    try {
      writeFileSync(join(tree.dir, 'runwire.config.json'), '{ "rules": { "shim-subclas": "error" } }');
      const unknownRule = runwire(tree.dir, '.', '--no-cache');
      assert.equal(unknownRule.status, 2);
      assert.match(
        unknownRule.stderr,
        /Config file '.*runwire\.config\.json' is invalid: rules: unknown key "shim-subclas" \(known: duplicate-definition, duplicate-shape, shim-subclass, factory-bypass, non-canonical-import\)\. See docs\/check\.md/,
      );
      writeFileSync(join(tree.dir, 'runwire.config.json'), '{ "include": ');
      const notJson = runwire(tree.dir, '.', '--no-cache');
      assert.equal(notJson.status, 2);
      assert.match(notJson.stderr, /is not valid JSON .*; fix the syntax/);
      const missing = runwire(tree.dir, '.', '--no-cache', '--config', 'nope.json');
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /Cannot read config file '.*nope\.json'; check the --config path/);
    } finally {
      tree.remove();
    }
  });

  it('exits 2 for a bad option value and for an unknown option', () => {
    const cwd = fixturePath('routers-after');
    const format = runwire(cwd, '.', '--format', 'xml');
    assert.equal(format.status, 2);
    assert.match(format.stderr, /Unknown --format 'xml'; use text, json or sarif/);
    const score = runwire(cwd, '.', '--min-score', 'high');
    assert.equal(score.status, 2);
    assert.match(score.stderr, /--min-score must be a number from 0 to 100, got 'high'/);
    assert.equal(runwire(cwd, '.', '--frobnicate').status, 2);
  });
});
