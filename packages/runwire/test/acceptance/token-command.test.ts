import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { jwtVerify } from 'jose';
import { BIN, TEST_SECRET, tempDir } from '../helpers/server-process.js';

const run = promisify(execFile);

describe('runwire token', () => {
  it('mints a token the server would accept: HS256, sub, exp from --ttl, issuer and audience', async () => {
    const env = { ...process.env, RUNWIRE_JWT_SECRET: TEST_SECRET };
    const { stdout } = await run(
      process.execPath,
      [BIN, 'token', '--user', 'alice', '--ttl', '2h', '--jwt-issuer', 'iss-1', '--jwt-audience', 'aud-1'],
      { env },
    );
    const token = stdout.trim();
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(TEST_SECRET), {
      issuer: 'iss-1',
      audience: 'aud-1',
    });
    assert.equal(protectedHeader.alg, 'HS256');
    assert.equal(payload.sub, 'alice');
    const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
    assert.equal(lifetime, 2 * 60 * 60);
  });

  it('exits 2 with a message when there is no secret or the user id is bad', async () => {
    const env = { ...process.env };
    delete env.RUNWIRE_JWT_SECRET;
    delete env.RUNWIRE_CONFIG;
    const empty = tempDir('runwire-token-'); // no dev server's secret here either
    await assert.rejects(
      run(process.execPath, [BIN, 'token', '--user', 'alice'], { env, cwd: empty.path }),
      (error: unknown) => {
        const failed = error as { code?: number; stderr?: string };
        assert.equal(failed.code, 2);
        assert.match(failed.stderr ?? '', /No secret to sign with/);
        return true;
      },
    );
    await assert.rejects(
      run(process.execPath, [BIN, 'token', '--user', 'a b', '--jwt-secret', TEST_SECRET], { env }),
      (error: unknown) => {
        const failed = error as { code?: number; stderr?: string };
        assert.equal(failed.code, 2);
        assert.match(failed.stderr ?? '', /--user is not a valid user id/);
        return true;
      },
    );
    empty.remove();
  });
});
