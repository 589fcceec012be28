import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SERVER_OPTIONS } from '../../src/config/server-options.js';
import { MODEL_ERROR_CODES, WIRE_ERROR_CODES } from '../../src/errors.js';

/** The package's README (options, library API) and the repository's (the two set-up commands). */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const rootReadme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
/** Table cells without the padding a Markdown formatter adds. */
const unpadded = (text: string): string => text.replace(/ *\| */g, '|');
const protocol = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

describe('documentation', () => {
  it('lists every server option in the README with its flag, variable and default', () => {
    for (const option of SERVER_OPTIONS) {
      const flag = option.envOnly === true ? option.flag : `\`${option.flag} ${option.value}\``;
      const row = `| ${flag} | \`${option.env}\` | ${option.defaultText.replaceAll('|', '\\|')} |`;
      assert.ok(unpadded(readme).includes(unpadded(row)), `README lacks the row ${row}`);
    }
  });

  it('gives the two set-up commands: one that serves on the embedded default and one that tests', () => {
    assert.match(rootReadme, /\nnpm install && npm start /);
    assert.match(
      readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'),
      /"start": "node packages\/runwire\/bin\/runwire.js serve"/,
    );
    assert.match(rootReadme, /\nnpm test /);
  });

  it('runs every package bench from the root as npm run bench:NAME', () => {
    const scriptsOf = (path: string): Record<string, string> =>
      (JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const root = scriptsOf('../../../../package.json');
    for (const pkg of ['../../', '../../../check/', '../../../client/']) {
      for (const name of Object.keys(scriptsOf(`${pkg}package.json`)).filter((n) => n.startsWith('bench:'))) {
        assert.match(root[name] ?? '', new RegExp(`^npm run ${name} -w `), `the root package.json lacks ${name}`);
      }
    }
  });

  it('ships the MIT license the package.json files declare, in every package', () => {
    for (const dir of ['../../../../', '../../', '../../../check/']) {
      const license = readFileSync(new URL(`${dir}LICENSE`, import.meta.url), 'utf8');
      assert.match(license, /^MIT License\n/);
      if (dir !== '../../../../') {
        const pkg = JSON.parse(readFileSync(new URL(`${dir}package.json`, import.meta.url), 'utf8')) as {
          license: string;
          files: string[];
        };
        assert.equal(pkg.license, 'MIT');
        assert.ok(pkg.files.includes('LICENSE'), `${dir}package.json files lacks LICENSE`);
      }
    }
  });

  it('says how to use runwire before it is published, without npm install runwire', () => {
    for (const text of [readme, rootReadme]) {
      assert.match(text, /not published (on the npm registry|to npm) yet/);
      assert.match(text, /npx runwire token --user bob/);
    }
  });

  it('cites no file outside the repository (the page is complete in itself)', () => {
    assert.doesNotMatch(protocol, /PROTOCOL\.md|shared spec/);
  });

  it('documents every close code and error code the server uses', () => {
    for (const code of ['1000', '1001', '1007', '1008', '1009', '1011', '1013'])
      assert.ok(protocol.includes(`\`${code}\``), code);
    for (const code of WIRE_ERROR_CODES) {
      assert.ok(protocol.includes(`\`${code}\``), code);
    }
    for (const code of [...MODEL_ERROR_CODES, 'tool_timeout']) {
      assert.ok(protocol.includes(`\`${code}\``), code);
    }
  });
});
