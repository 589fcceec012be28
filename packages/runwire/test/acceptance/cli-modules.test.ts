import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { BIN } from '../helpers/server-process.js';

/**
 * A hook module (Node's synchronous module hooks) that prints, as the process exits, every module URL it loaded:
 * what a command pays for before it does anything.
 */
const RECORD_MODULES = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from 'node:module';
const loaded = new Set();
registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); loaded.add(result.url); return result; } });
process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify([...loaded]) + '\\n'));
`)}`;

/** The module URLs `runwire ...args` loaded, and its exit status. */
function modulesLoadedBy(args: readonly string[]): { status: number | null; modules: string[] } {
  const result = spawnSync(process.execPath, ['--import', RECORD_MODULES, BIN, ...args], { encoding: 'utf8' });
  const line = result.stderr.split('\n').find((text) => text.startsWith('LOADED '));
  assert.ok(line !== undefined, `no module list from runwire ${args.join(' ')}: ${result.stderr}`);
  return { status: result.status, modules: JSON.parse(line.slice('LOADED '.length)) as string[] };
}

/** Modules only `serve` and `report` need: the server, its stores and model clients, the logger, the schemas. */
const SERVER_ONLY = [
  /\/node_modules\/(zod|pino|ws|better-sqlite3|ioredis|ai|fastify)\//,
  /\/runwire\/dist\/(agents|gateway|http|routing|runtime|stores|tracker)\//,
  /\/runwire\/dist\/(server|server-assembly|create-server|sqlite|redis)\.js$/,
];

describe('what each command loads', () => {
  for (const args of [['--help'], ['check', '--help'], ['token', '--help'], ['serve', '--help']]) {
    it(`runwire ${args.join(' ')} loads none of the server's modules`, () => {
      const { status, modules } = modulesLoadedBy(args);
      assert.equal(status, 0);
      assert.ok(
        modules.some((url) => url.endsWith('/dist/cli/main.js')),
        'the hook saw the CLI load (else it proves nothing)',
      );
      const heavy = modules.filter((url) => SERVER_ONLY.some((pattern) => pattern.test(url)));
      assert.deepEqual(heavy, [], 'loaded at start-up although the command does not use them');
    });
  }
});
