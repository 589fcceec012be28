import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SERVER_OPTIONS } from '../../src/config/server-config.js';
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

  it('documents every close code and error code the server uses', () => {
    for (const code of ['1000', '1001', '1008', '1009', '1011', '1013'])
      assert.ok(protocol.includes(`\`${code}\``), code);
    for (const code of WIRE_ERROR_CODES) {
      assert.ok(protocol.includes(`\`${code}\``), code);
    }
    for (const code of [...MODEL_ERROR_CODES, 'tool_timeout']) {
      assert.ok(protocol.includes(`\`${code}\``), code);
    }
  });
});
