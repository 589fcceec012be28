import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { BIN, type ServerProcess, startServerProcess, tempDir } from '../helpers/server-process.js';
import { TestClient } from '../helpers/ws-client.js';

const run = promisify(execFile);

/** The environment of a newcomer: no secret anywhere. */
function envWithoutSecret(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
  delete env.RUNWIRE_JWT_SECRET;
  delete env.RUNWIRE_CONFIG;
  return env;
}

describe("a newcomer's first hour", () => {
  it('an invalid --store prints the error and a one-line pointer to --help, not the whole help', async () => {
    await assert.rejects(
      run(process.execPath, [BIN, 'serve', '--store', 'postgres'], { env: envWithoutSecret() }),
      (error: unknown) => {
        const failed = error as { code?: number; stderr?: string };
        assert.equal(failed.code, 2);
        assert.equal(
          failed.stderr,
          "error: option '--store <KIND>' argument 'postgres' is invalid. Allowed choices are memory, sqlite, redis.\n" +
            '(run with --help for the list of options)\n',
        );
        return true;
      },
    );
  });

  describe('dev mode', () => {
    let server: ServerProcess;
    const dir = tempDir('runwire-dev-');
    before(async () => {
      server = await startServerProcess({ secret: null, cwd: dir.path });
    });
    after(async () => {
      if (server.child.exitCode === null) await server.stop('SIGTERM');
      dir.remove();
    });

    it('prints a Try line with the whole token, which connects as user dev', async () => {
      // The banner follows the "listening" line the helper waits for.
      for (let i = 0; i < 50 && !server.output().includes('Tokens for other users'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const match = /Try: npx wscat -c (ws:\/\/\S+) -H "Authorization: Bearer ([^"]+)"/.exec(server.output());
      assert.ok(match?.[2] !== undefined, `no Try line in:\n${server.output()}`);
      assert.equal(match[1], server.wsUrl);
      const client = await TestClient.connect(server.wsUrl, match[2]);
      assert.equal(client.frames[0]?.userId, 'dev');
      await client.close();
    });

    it('lets "runwire token --user bob" in the same directory mint a token the dev server accepts', async () => {
      const secretFile = join(dir.path, '.runwire', 'dev-secret');
      assert.equal(statSync(secretFile).mode & 0o777, 0o600);
      const { stdout, stderr } = await run(process.execPath, [BIN, 'token', '--user', 'bob'], {
        cwd: dir.path,
        env: envWithoutSecret(),
      });
      assert.match(stderr, /signed with the running dev server's secret/);
      const client = await TestClient.connect(server.wsUrl, stdout.trim());
      assert.equal(client.frames[0]?.userId, 'bob');
      await client.close();
    });

    it('removes the secret at shutdown, after which runwire token says where a secret comes from', async () => {
      assert.equal(await server.stop('SIGTERM'), 0);
      assert.equal(existsSync(join(dir.path, '.runwire', 'dev-secret')), false);
      await assert.rejects(
        run(process.execPath, [BIN, 'token', '--user', 'bob'], { cwd: dir.path, env: envWithoutSecret() }),
        (error: unknown) => {
          assert.match((error as { stderr?: string }).stderr ?? '', /No secret to sign with: .*running dev server/);
          return true;
        },
      );
    });
  });
});
