import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** The shared Redis of the test machine (CI starts it when it is down). */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** A key prefix no other test uses. */
export function randomPrefix(): string {
  return `rwtest:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN + UNLINK); returns how many. */
export async function deleteKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  // Also called at teardown while Redis may be down: the scan fails (and says so); the connection errors are noise.
  redis.on('error', () => undefined);
  try {
    let deleted = 0;
    let cursor = '0';
    const pattern = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** A free TCP port on loopback (there is a small race until the server binds it; fine for tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A `redis-server` of one test, on a random port; `restart()` keeps the port (and, with `persist`, the data). */
export class PrivateRedis {
  readonly port: number;
  readonly url: string;
  readonly #dir: string;
  readonly #persist: boolean;
  #process: ChildProcess | undefined;

  private constructor(port: number, persist: boolean) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.#persist = persist;
    this.#dir = mkdtempSync(join(tmpdir(), 'runwire-redis-'));
  }

  /**
   * Starts a server. Without `persist` it keeps nothing on disk (`--save "" --appendonly no`); with it, every write
   * is in an append-only file synced before the reply, so a restart (even after `kill -9`) loses nothing.
   */
  static async start(options: { persist?: boolean } = {}): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort(), options.persist ?? false);
    await server.#spawn();
    return server;
  }

  /** Whether the server process runs. */
  get running(): boolean {
    return this.#process !== undefined;
  }

  /** Stops the server (SIGKILL with `hard`, else SIGTERM) and waits for it to exit. */
  async stop(hard = false): Promise<void> {
    const child = this.#process;
    if (child === undefined) return;
    this.#process = undefined;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  }

  /** Stops and starts the server again on the same port. */
  async restart(options: { hard?: boolean; downMs?: number } = {}): Promise<void> {
    await this.stop(options.hard ?? false);
    if (options.downMs !== undefined) await delay(options.downMs);
    await this.#spawn();
  }

  /** Stops the server and removes its files. */
  async dispose(): Promise<void> {
    await this.stop(true);
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #spawn(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.#dir, '--save', ''];
    args.push(...(this.#persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.#process = child;
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      for (let attempt = 0; attempt < 200; attempt++) {
        if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
        try {
          if (probe.status !== 'ready') await probe.connect();
          if ((await probe.ping()) === 'PONG') return;
        } catch {
          probe.disconnect();
          await delay(25);
        }
      }
      throw new Error(`redis-server on port ${this.port} did not answer PING`);
    } finally {
      probe.disconnect();
    }
  }
}

/** Polls `condition` until it holds (or fails the test after `timeoutMs`): for effects that cross a network. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(10);
  }
}
