import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTree } from './check-fixture.js';
import { tempTree } from './temp-tree.js';

/** Checks an inline tree and returns its findings as `rule concept file` lines, plus the result. */
async function check(files: Record<string, string>) {
  const tree = tempTree(files);
  try {
    const { result, findings } = await checkTree(tree.dir);
    return { result, lines: findings.map((f) => `${f.rule} ${f.concept} ${f.file}`) };
  } finally {
    tree.remove();
  }
}

const MEDIAN = `export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
`;

describe('duplicate-definition precision', () => {
  it('reports functions of one name only when their bodies match too', async () => {
    const { lines, result } = await check({
      'src/stats/median.ts': MEDIAN,
      'src/report/median.ts': MEDIAN.replace('export function', 'function'),
      'src/a/parse.ts': 'export function parse(text: string) {\n  return JSON.parse(text);\n}\n',
      'src/b/parse.ts': "export function parse(text: string) {\n  return text.split(',');\n}\n",
      'src/a/noop.ts': 'export function noop() {}\n',
      'src/b/noop.ts': 'export function noop() {}\n',
    });
    assert.deepEqual(lines, ['duplicate-definition median src/report/median.ts']); // kept: the shorter path
    assert.match(result.findings[0]?.message ?? '', /^function 'median' is defined with the same body in 2 modules/);
  });

  it('tells functions of one name apart by the names they use from outside (one API, several namespaces)', async () => {
    const date = (schema: string) =>
      `import { ${schema}, make } from '../core.js';\nexport function date(params?: string) {\n  return make(${schema}, params);\n}\n`;
    const { lines } = await check({
      'src/core.ts':
        'export class ZodDate {}\nexport class ZodMiniDate {}\nexport function make(kind: unknown, params?: string) {\n  return [kind, params];\n}\n',
      'src/classic/schemas.ts': date('ZodDate'),
      'src/mini/schemas.ts': date('ZodMiniDate'),
      'src/coerce/schemas.ts': date('ZodDate'),
    });
    // classic and coerce build the same thing the same way: one concept; mini builds another class.
    assert.deepEqual(lines, ['duplicate-definition date src/classic/schemas.ts']); // coerce's is kept: shorter path
  });

  it("tells functions of one name apart when the names they use lead to different modules' code or state", async () => {
    const getStats =
      "import { getAst } from './parse.js';\nexport function getStats(file: string) {\n  return getAst(file).length;\n}\n";
    const clearCache =
      'const CACHE = new Map<string, number>();\nexport function clearCache() {\n  CACHE.clear();\n}\n';
    const sumMeta =
      'function sumMeta(meta: { a: number; b: number }) {\n  return meta.a + meta.b;\n}\nexport const total = sumMeta;\n';
    const { lines } = await check({
      'src/tsc/parse.ts': `export function getAst(file: string) {\n  return [file, 'tsc'];\n}\n${clearCache}`,
      'src/acorn/parse.ts': `export function getAst(file: string) {\n  return [file];\n}\n${clearCache}`,
      'src/tsc/extract.ts': getStats,
      'src/acorn/extract.ts': getStats,
      'src/report/error.ts': sumMeta,
      'src/report/azure.ts': sumMeta,
    });
    // Each parser's getStats calls its own getAst and clears its own CACHE; sumMeta is a pasted helper.
    assert.deepEqual(lines, ['duplicate-definition sumMeta src/report/error.ts']);
  });

  it('takes a generic type that passes its parameters on unchanged for an alias', async () => {
    const { lines } = await check({
      'src/core.ts': 'export type input<T> = T extends { input: infer I } ? I : unknown;\n',
      'src/classic/in-out.ts': "import type * as core from '../core.js';\nexport type input<T> = core.input<T>;\n",
      'src/mini/in-out.ts': "import type * as core from '../core.js';\nexport type input<T> = core.input<T>;\n",
      'src/other.ts': 'export type input<T> = T[];\n',
    });
    assert.deepEqual(lines, ['duplicate-definition input src/other.ts']);
  });

  it('leaves module-private types and classes of one name alone while no copy is exported', async () => {
    const { lines } = await check({
      'bench/a.ts': 'interface Sample {\n  rate: number;\n}\ntype Kind = 1;\nexport const a: Sample = { rate: 1 };\n',
      'bench/b.ts':
        "interface Sample {\n  latencies: number[];\n}\ntype Kind = 'x';\nexport const b: Sample = { latencies: [] };\n",
      'src/c.ts': 'type Kind = string;\nexport { Kind };\n',
    });
    assert.deepEqual(lines, ['duplicate-definition Kind bench/a.ts']); // src/c.ts exports one: all copies count
  });

  it('still reports classes, interfaces, types and enums of one name whatever their bodies', async () => {
    const { lines } = await check({
      'src/a/router.ts':
        'export class Router {\n  route() {\n    return 1;\n  }\n}\nexport interface Options { a: number }\n',
      'src/b/router.ts': 'export class Router {}\nexport interface Options { b: string }\n',
      'src/a/kind.ts': "export type Kind = 'a' | 'b';\nexport enum Level { Low }\n",
      'src/b/kind.ts': 'export type Kind = number;\nexport enum Level { High }\n',
    });
    assert.deepEqual(lines.sort(), [
      'duplicate-definition Kind src/b/kind.ts',
      'duplicate-definition Level src/b/kind.ts',
      'duplicate-definition Options src/b/router.ts',
      'duplicate-definition Router src/b/router.ts',
    ]);
  });

  it("leaves out entry points: a script's main that the module runs itself", async () => {
    const main = 'async function main(): Promise<void> {\n  console.log(process.argv);\n}\n';
    const { lines, result } = await check({
      'src/cli/main.ts': `export ${main}`,
      'scripts/a.ts': `${main}\nmain().then(() => process.exit(0));\n`,
      'scripts/b.ts': `${main}\nawait main();\n`,
      'scripts/c.ts': `${main}\nif (import.meta.main) {\n  void main();\n}\n`,
    });
    assert.deepEqual(lines, []);
    assert.equal(result.score.concepts, 1); // only src/cli/main.ts's exported main is a concept
  });

  it('keeps the most imported copy, then product code over benches, then the shortest path', async () => {
    const clamp =
      'export function clamp(n: number, low: number, high: number): number {\n  return Math.min(high, Math.max(low, n));\n}\n';
    const { result } = await check({
      'src/shared/numeric-helpers.ts': clamp,
      'src/z/clamp.ts': clamp,
      'src/use-a.ts': "import { clamp } from './shared/numeric-helpers.js';\nexport const a = clamp(1, 2, 3);\n",
      'src/use-b.ts': "import { clamp } from './shared/numeric-helpers.js';\nexport const b = clamp(1, 2, 3);\n",
      'bench/median.ts': MEDIAN,
      'bench/other/median.ts': MEDIAN,
      'src/long/folder/name/median.ts': MEDIAN,
    });
    const kept = (concept: string) =>
      result.findings.find((f) => f.concept === concept)?.related.find((r) => r.message?.endsWith('kept here'));
    assert.match(kept('clamp')?.file ?? '', /src\/shared\/numeric-helpers\.ts$/);
    // The bench copies are shorter and as imported (not at all), but product code is never told to import a bench.
    assert.match(kept('median')?.file ?? '', /src\/long\/folder\/name\/median\.ts$/);
    const fix = result.findings.find((f) => f.concept === 'median')?.fix ?? '';
    assert.match(fix, /^keep the definition in src\/long\/folder\/name\/median\.ts /);
  });

  it('never compares declarations in different configured worlds', async () => {
    const tree = {
      'src/v3/types.ts': 'export class ZodDate {\n  a = 1;\n}\n',
      'src/v4/types.ts': 'export class ZodDate {\n  b = 2;\n}\n',
      'src/v4/more.ts': 'export class ZodDate {\n  c = 3;\n}\n',
    };
    const without = await check(tree);
    assert.deepEqual(without.lines, ['duplicate-definition ZodDate src/v3/types.ts']);
    const worlds = JSON.stringify({ worlds: { v3: ['src/v3/**'], v4: ['src/v4/**'] } });
    const separate = await check({ ...tree, 'runwire.config.json': worlds });
    assert.deepEqual(separate.lines, ['duplicate-definition ZodDate src/v4/types.ts']); // the two v4 copies only
  });

  it('leaves out files whose header says they are generated, and configured generated globs', async () => {
    const router = 'export class Router {\n  a = 1;\n}\n';
    const { lines, result } = await check({
      'src/router.ts': router,
      'src/proto/router.ts': `// Code generated by protoc-gen-ts. DO NOT EDIT.\n${router}`,
      'src/api/client.ts': `/**\n * @generated by openapi-typescript\n */\n${router}`,
      'src/openapi/router.ts': router,
      'runwire.config.json': JSON.stringify({ generated: ['**/openapi/**'] }),
    });
    assert.deepEqual(lines, []);
    assert.equal(result.files, 1);
    assert.equal(result.generated, 2);
  });
});

describe('duplicate-shape: small renamed clones (type-2)', () => {
  const clone = (
    name: string,
    low: number,
    high: number,
    label: string,
  ) => `export function ${name}(input: number, scale: number): string {
  const scaled = input * scale;
  let bucket = 'mid';
  if (scaled < ${low}) bucket = '${label}-low';
  if (scaled > ${high}) bucket = '${label}-high';
  const rounded = Math.round(scaled);
  return \`\${bucket}:\${rounded}\`;
}
`;

  it('finds a seven-line function copied under another name with other constants', async () => {
    const { lines, result } = await check({
      'src/a/score.ts': clone('scoreBucket', 10, 90, 'score'),
      'src/b/latency.ts': clone('latencyBucket', 50, 500, 'latency'),
    });
    assert.deepEqual(lines, ['duplicate-shape latencyBucket src/b/latency.ts']);
    assert.match(result.findings[0]?.message ?? '', /have the same body under different names and constants$/);
  });

  it('compares bodies from minCloneStatements statements on (6 by default), configurable', async () => {
    const tree = {
      'src/a/score.ts': clone('scoreBucket', 10, 90, 'score'),
      'src/b/latency.ts': clone('latencyBucket', 50, 500, 'latency'),
    };
    // 8 statements: two consts, a let, two ifs and their bodies, a return.
    const at8 = await check({ ...tree, 'runwire.config.json': JSON.stringify({ minCloneStatements: 8 }) });
    assert.deepEqual(at8.lines, ['duplicate-shape latencyBucket src/b/latency.ts']);
    const stricter = await check({ ...tree, 'runwire.config.json': JSON.stringify({ minCloneStatements: 9 }) });
    assert.deepEqual(stricter.lines, []);
    const different = await check({
      'src/a/score.ts': clone('scoreBucket', 10, 90, 'score'),
      'src/b/latency.ts': clone('latencyBucket', 50, 500, 'latency').replace('input * scale', 'input + scale'),
    });
    assert.deepEqual(different.lines, []);
  });
});
