import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken } from '../../src/auth/mint-token.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built CLI, exactly as users run it (`npm test` builds before testing). */
export const BIN = join(ROOT, 'bin', 'runwire.js');

/** A test secret (32+ characters, as the server requires). */
export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

export interface ServerProcess {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Mints a token for `userId` with the server's secret. */
  token(userId: string, ttlMs?: number): Promise<string>;
  /**
   * Sends `signal` and resolves with the exit code (or signal name). A process still running after `timeoutMs`
   * (default 15 s) is killed with SIGKILL, so a test never hangs on a server that ignores the signal.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  /** Resolves when the process exits. */
  exited: Promise<number | string>;
}

/**
 * Starts `runwire serve` as a child process on a random loopback port and waits for its "listening" line.
 * Defaults: memory store, the test secret. `args` are extra CLI flags; `env` extra variables.
 */
export async function startServerProcess(
  options: {
    args?: readonly string[];
    env?: Record<string, string>;
    /** `null`: dev mode (no secret). */
    secret?: string | null;
    timeoutMs?: number;
    /** The server's working directory (where it looks for runwire.config.*). @default the package directory */
    cwd?: string;
  } = {},
): Promise<ServerProcess> {
  const secret = options.secret === undefined ? TEST_SECRET : options.secret;
  const args = [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', ...(options.args ?? [])];
  if (!args.includes('--store') && !args.includes('--db') && !args.includes('--redis')) args.push('--store', 'memory');
  const env: Record<string, string> = { ...(process.env as Record<string, string>), NODE_ENV: 'test', ...options.env };
  delete env.RUNWIRE_JWT_SECRET;
  if (secret !== null) env.RUNWIRE_JWT_SECRET = secret;
  const child = spawn(process.execPath, args, { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  // A test process that ends (or crashes) never leaves its server behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killOnExit);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time; output:\n${output}`));
    }, options.timeoutMs ?? 20_000);
    const check = (): void => {
      const match = /Runwire listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening; output:\n${output}`));
    });
  });
  const port = Number(new URL(url).port);
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    port,
    child,
    output: () => output,
    token: (userId, ttlMs = 3_600_000) => {
      if (secret === null) throw new Error('server runs in dev mode; no known secret');
      return mintToken({ secret, userId, ttlMs });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    exited,
  };
}

/** A temporary directory removed by the returned function. */
export function tempDir(prefix = 'runwire-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
