import { type ConfigParts, checkAgentNames, type RunwireConfig, splitConfig } from './config/define-config.js';
import { compileServerConfig, isProduction } from './config/server-config.js';
import type { ServerConfigInput } from './config/server-options.js';
import type { RunwireHandler } from './embedded-server.js';
import type { Logger } from './logger.js';
import type { RunwireServer } from './server.js';
import type { StartServerOptions } from './server-assembly.js';
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
  const where = 'createServer options';
  return startConfiguredServer(configPartsOf(options, where), withCodeOnly(options, where));
}

/**
 * Hosts Runwire on your own `node:http` server: the same options, agents, tools, model and auth as `createServer`,
 * without a port of its own (`host`/`port` are not used to listen). Offer each request and upgrade to the handler
 * and handle it yourself when it answers `false`; `close()` shuts Runwire down gracefully and leaves your server open.
 *
 * @example
 * const runwire = await createHandler({ store: 'memory', jwtSecret, agents: [myAgent] });
 * const server = http.createServer((req, res) => {
 *   if (!runwire.handleRequest(req, res)) myApp(req, res);
 * });
 * server.on('upgrade', (req, socket, head) => {
 *   if (!runwire.handleUpgrade(req, socket, head)) socket.destroy();
 * });
 */
export async function createHandler(options: CreateServerOptions = {}): Promise<RunwireHandler> {
  const { embedServer } = await import('./embedded-server.js');
  const where = 'createHandler options';
  return embedServer(await serverOptionsFor(configPartsOf(options, where), withCodeOnly(options, where)));
}

/**
 * The one way from a config (a file's or `createServer`'s) to a listening server; the CLI passes the environment and
 * its flags as `overrides` (later ones win).
 * @throws ConfigError naming the option, or the agent name used twice with both places.
 */
export async function startConfiguredServer(parts: ConfigParts, how: ServerAssemblyChoices): Promise<RunwireServer> {
  const { startServer } = await import('./server.js');
  return startServer(await serverOptionsFor(parts, how));
}

/** Where a config came from, what overrides it, and what only code can give. */
interface ServerAssemblyChoices {
  readonly where: string;
  readonly overrides: readonly ServerConfigInput[];
  readonly logger?: Logger;
  readonly stores?: StoresFactory;
  readonly asDefaultRuntime?: boolean;
  readonly runtime?: CreateServerOptions['runtime'];
}

function configPartsOf(options: CreateServerOptions, where: string): ConfigParts {
  const { logger: _logger, stores: _stores, runtime: _runtime, ...config } = options;
  return splitConfig(config, where);
}

function withCodeOnly(options: CreateServerOptions, where: string): ServerAssemblyChoices {
  const { logger, stores, runtime } = options;
  return {
    where,
    overrides: [],
    ...(logger === undefined ? {} : { logger }),
    ...(stores === undefined ? {} : { stores }),
    ...(runtime === undefined ? {} : { runtime }),
  };
}

/** Compiles the config, checks the agent names against the built-ins, and picks the logger and stores. */
async function serverOptionsFor(parts: ConfigParts, how: ServerAssemblyChoices): Promise<StartServerOptions> {
  const config = compileServerConfig([parts.serverInput, ...how.overrides], isProduction());
  // Loaded on use: `import 'runwire'` must not load the server, SQLite (native) or ioredis.
  const [{ recoversOnStart, storesFor }, { createLogger }] = await Promise.all([
    import('./runtime/stores-for-config.js'),
    import('./cli/create-logger.js'),
  ]);
  const hasModel = parts.model !== undefined || config.llm !== undefined;
  checkAgentNames(parts.agents, ['supervisor', 'echo', ...(hasModel ? ['assistant'] : [])], how.where);
  return {
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
  };
}
