import { mintToken } from '../../src/auth/mint-token.js';
import { compileServerConfig } from '../../src/config/server-config.js';
import type { ServerConfigInput } from '../../src/config/server-options.js';
import { silentLogger } from '../../src/logger.js';
import { type RunwireServer, type StartServerOptions, startServer } from '../../src/server.js';
import { memoryStores } from '../../src/stores/memory/memory-stores.js';
import { TEST_SECRET } from './server-process.js';

/** A server started in the test process: for what a child process cannot show (custom agents and tools). */
export interface InProcessServer {
  readonly server: RunwireServer;
  readonly url: string;
  readonly wsUrl: string;
  /** Mints a token for `userId` with the server's secret. */
  token(userId: string, ttlMs?: number): Promise<string>;
  /** Graceful shutdown, as on SIGTERM. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts `startServer` on a random loopback port with memory stores and the test secret. `config` adds server
 * options (as in a config file); `runtime` adds agents, tools and other runtime options.
 */
export async function startInProcessServer(
  options: { config?: ServerConfigInput; runtime?: StartServerOptions['runtime'] } = {},
): Promise<InProcessServer> {
  const config = compileServerConfig([
    { host: '127.0.0.1', port: 0, store: 'memory', jwtSecret: TEST_SECRET, logLevel: 'silent', ...options.config },
  ]);
  const server = await startServer({
    config,
    logger: silentLogger,
    stores: memoryStores,
    ...(options.runtime === undefined ? {} : { runtime: options.runtime }),
  });
  return {
    server,
    url: server.url,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
    token: (userId, ttlMs = 3_600_000) => mintToken({ secret: TEST_SECRET, userId, ttlMs }),
    close: (graceMs) => server.close(graceMs),
  };
}
