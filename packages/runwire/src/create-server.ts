import { type ConfigParts, checkAgentNames, type RunwireConfig, splitConfig } from './config/define-config.js';
import { compileServerConfig, isProduction } from './config/server-config.js';
import type { ServerConfigInput } from './config/server-options.js';
import type { Logger } from './logger.js';
import type { RunwireServer, StartServerOptions } from './server.js';
import type { StoresFactory } from './stores/stores.js';

/** Options of `createServer`: everything a `runwire.config.ts` holds, plus what only code can give. */
export interface CreateServerOptions extends RunwireConfig {
  /** @default a pino logger at `logLevel` */
  readonly logger?: Logger;
  /** @default the stores `store`/`db`/`redisUrl` name (SQLite in ./.runwire/runwire.db) */
  readonly stores?: StoresFactory;
  /** Other runtime options (a `FakeClock`, scheduler limits, …). */
  readonly runtime?: Omit<NonNullable<StartServerOptions['runtime']>, 'agents' | 'tools' | 'model'>;
}

/**
 * Starts the same server `runwire serve` runs, from code: the options of the option table (`port`, `store`,
 * `jwtSecret`, …), your agents and tools beside the built-ins, and the model. Resolves once it listens; the handle
 * has its `url` and a graceful `close()`.
 *
 * @example
 * const server = await createServer({ port: 0, store: 'memory', jwtSecret, agents: [myAgent] });
 * console.log(server.url);
 * await server.close();
 */
export async function createServer(options: CreateServerOptions = {}): Promise<RunwireServer> {
  const { logger, stores, runtime, ...config } = options;
  return startConfiguredServer(splitConfig(config, 'createServer options'), {
    where: 'createServer options',
    overrides: [],
    ...(logger === undefined ? {} : { logger }),
    ...(stores === undefined ? {} : { stores }),
    ...(runtime === undefined ? {} : { runtime }),
  });
}

/**
 * The one way from a config (a file's or `createServer`'s) to a listening server; the CLI passes the environment and
 * its flags as `overrides` (later ones win).
 * @throws ConfigError naming the option, or the agent name used twice with both places.
 */
export async function startConfiguredServer(
  parts: ConfigParts,
  how: {
    readonly where: string;
    readonly overrides: readonly ServerConfigInput[];
    readonly logger?: Logger;
    readonly stores?: StoresFactory;
    readonly asDefaultRuntime?: boolean;
    readonly runtime?: CreateServerOptions['runtime'];
  },
): Promise<RunwireServer> {
  const config = compileServerConfig([parts.serverInput, ...how.overrides], isProduction());
  // Loaded on use: `import 'runwire'` must not load the server, SQLite (native) or ioredis.
  const [{ startServer }, { recoversOnStart, storesFor }, { createLogger }] = await Promise.all([
    import('./server.js'),
    import('./runtime/stores-for-config.js'),
    import('./cli/create-logger.js'),
  ]);
  const hasModel = parts.model !== undefined || config.llm !== undefined;
  checkAgentNames(parts.agents, ['supervisor', 'echo', ...(hasModel ? ['assistant'] : [])], how.where);
  return startServer({
    config,
    logger: how.logger ?? createLogger(config.logLevel),
    stores: how.stores ?? storesFor(config),
    ...(how.asDefaultRuntime === undefined ? {} : { asDefaultRuntime: how.asDefaultRuntime }),
    runtime: {
      recoverOnStart: recoversOnStart(config),
      ...how.runtime,
      agents: parts.agents,
      tools: parts.tools,
      ...(parts.model === undefined ? {} : { model: parts.model }),
    },
  });
}
