import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exactShape, exactShapes } from '../src/exact-shape.js';
import { extractFacts } from '../src/extract-facts.js';
import { RAW_TRANSFER_SUPPORTED } from '../src/parse-source.js';
import { fixturePath } from './check-fixture.js';

/** Every source file under the fixture trees, plus this folder's own tests: a spread of real TypeScript. */
function sources(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.[cm]?[jt]sx?$/.test(entry.name)) files.push(full);
    }
  };
  walk(fixturePath('.'));
  walk(join(fixturePath('.'), '..', '..', 'src'));
  return files;
}

describe('oxc raw transfer', () => {
  it('is used on the Node versions the checker supports (22 and later, 64-bit)', () => {
    assert.equal(RAW_TRANSFER_SUPPORTED, true);
  });

  it('gives the same facts and exact shapes as the JSON transfer on every fixture and checker source', () => {
    const files = sources();
    assert.ok(files.length > 50, `only ${files.length} files found`);
    let shapes = 0;
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const json = extractFacts(file, source, false);
      assert.deepEqual(extractFacts(file, source, true), json, file);
      for (const declaration of json.declarations) {
        if (declaration.shapeSource === undefined) continue;
        const { kind, shapeSource } = declaration;
        const viaJson = exactShape(file, source, kind, shapeSource, false);
        assert.deepEqual(exactShape(file, source, kind, shapeSource, true), viaJson, `${file} ${declaration.name}`);
        if (viaJson !== undefined) shapes++;
      }
    }
    assert.ok(shapes > 10, `only ${shapes} exact shapes compared`);
  });

  it('gives the same exact shapes from one parse per file as from one parse per declaration', () => {
    let files = 0;
    for (const file of sources()) {
      const source = readFileSync(file, 'utf8');
      const requests = extractFacts(file, source).declarations.flatMap(({ kind, shapeSource }) =>
        shapeSource === undefined ? [] : [{ kind, at: shapeSource }],
      );
      if (requests.length < 2) continue;
      files++;
      assert.deepEqual(
        exactShapes(file, source, requests),
        requests.map(({ kind, at }) => exactShape(file, source, kind, at)),
        file,
      );
    }
    assert.ok(files > 10, `only ${files} files with several shapes compared`);
  });

  it('sketches a rest parameter without its type annotation either way', () => {
    const source = 'export function f(a: number, ...rest: string[]) {\n  return rest.length + a;\n}\n';
    const plain = 'export function f(a: number, ...rest) {\n  return rest.length + a;\n}\n';
    for (const raw of [false, true]) {
      const [typed] = extractFacts('a.ts', source, raw).declarations;
      const [untyped] = extractFacts('b.ts', plain, raw).declarations;
      assert.equal(typed?.sketch, untyped?.sketch);
    }
  });
});
