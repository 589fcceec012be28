import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exactShape } from '../src/exact-shape.js';
import { extractFacts } from '../src/extract-facts.js';
import type { DeclarationFact } from '../src/facts.js';
import { FactsCache } from '../src/facts-cache.js';
import { jobsShapes, type ShapeJob } from '../src/file-shapes.js';
import { prepareFrontEnds } from '../src/front-ends.js';
import { tempTree } from './temp-tree.js';

const COPY = `export function total(items: number[]): number {
  let sum = 0;
  for (const item of items) sum += item;
  return sum;
}
`;

const OTHER = `export function largest(items: number[]): number {
  let best = -Infinity;
  for (const item of items) if (item > best) best = item;
  return best;
}
`;

describe('exact shapes of several files', () => {
  const tree = tempTree({
    'a.ts': `${COPY}${OTHER}`,
    'b.ts': COPY, // the same text as a.ts's first function
    'c.ts': `${OTHER}export const total2 = ${COPY.replace('export function total', 'function')}`,
    'd.js': COPY.replace(/: number\[\]|: number/g, ''),
    // Two declarations of one file with the same text (each initializer is its own declaration's text).
    'e.ts':
      'export const first = (n: number) => {\n  return n * 2 + 1;\n};\nexport const second = (n: number) => {\n  return n * 2 + 1;\n};\n',
  });
  after(() => tree.remove());
  before(() => prepareFrontEnds([join(tree.dir, 'a.ts'), join(tree.dir, 'd.js')]));

  const job = (name: string): { job: ShapeJob; declarations: DeclarationFact[]; source: string } => {
    const file = join(tree.dir, name);
    const source = readFileSync(file, 'utf8');
    const declarations = extractFacts(file, source).declarations.filter((d) => d.shapeSource !== undefined);
    return {
      job: {
        file,
        key: FactsCache.key(file, readFileSync(file)),
        declarations: declarations.map((d) => ({
          kind: d.kind,
          at: d.shapeSource ?? { start: 0, end: 0, expression: false },
        })),
      },
      declarations,
      source,
    };
  };

  it('gives each declaration the shape it has alone, whether its text was parsed before or not', () => {
    const jobs = ['a.ts', 'b.ts', 'c.ts', 'd.js', 'e.ts'].map(job);
    const results = jobsShapes(jobs.map((entry) => entry.job));
    jobs.forEach(({ job: { file }, declarations, source }, i) => {
      const alone = declarations.map(
        (d) => exactShape(file, source, d.kind, d.shapeSource ?? { start: 0, end: 0, expression: false }) ?? null,
      );
      assert.deepEqual(results[i], alone, file);
    });
    // The copy in b.ts has a.ts's shape; so do the two initializers of e.ts, each other's.
    assert.deepEqual(results[1]?.[0], results[0]?.[0]);
    assert.equal(results[0]?.length, 2);
    assert.equal(results[4]?.length, 2);
    assert.notEqual(results[4]?.[0], null);
    assert.deepEqual(results[4]?.[1], results[4]?.[0]);
  });

  it('answers null for every declaration of a file whose content changed since its facts', () => {
    const { job: stale } = job('a.ts');
    const [results] = jobsShapes([{ ...stale, key: 'another content' }]);
    assert.deepEqual(results, [null, null]);
  });

  it('tells TypeScript modifiers apart after JavaScript nodes of the same types were fingerprinted', () => {
    const shape = (file: string, source: string) => {
      const [declaration] = extractFacts(file, source).declarations;
      const at = declaration?.shapeSource;
      assert.ok(declaration !== undefined && at !== undefined, source);
      return exactShape(file, source, declaration.kind, at);
    };
    // JavaScript's layout of these node types has no `accessibility` or `optional`.
    shape('a.js', 'export class A { m(a) { return [a]; } n(b) { return b; } }');
    shape('a.js', 'export function f([a]) { return a; }');
    const body = '{ m(a: number) { return [a, a * 2]; } n(b: number) { return b; } }';
    assert.notEqual(
      shape('b.ts', `export class B ${body.replace('{ m(', '{ private m(')}`)?.exact,
      shape('c.ts', `export class C ${body.replace('{ m(', '{ public m(')}`)?.exact,
    );
    assert.notEqual(
      shape('d.ts', 'export function f([a]?: number[]) { return a; }')?.exact,
      shape('e.ts', 'export function f([a]: number[]) { return a; }')?.exact,
    );
  });
});
