import type { Command } from 'commander';
import { removeDevSecret, writeDevSecret } from '../auth/dev-secret.js';
import { compileServerConfig, isProduction, readEnv } from '../config/server-config.js';
import { addServerOptions, flagInput } from './server-options.js';

const HELP_AFTER = `
Every option can also be set by its environment variable or in a config file (precedence: flag, then environment,
then file, then default). The file is --config FILE, or the first of runwire.config.ts, .mts, .js, .mjs in the
working directory: its default export is defineConfig({ agents, tools, llm, ...options }) from "runwire" (agents
and tools are served beside the built-ins; .ts runs through Node's own type stripping). A .json file holds options only. Durations take ms or 250ms/10s/15m/1h/7d.

With no --jwt-secret or --jwks, serve runs in dev mode: it binds loopback only, makes a random secret, prints a
token for user "dev", keeps the secret in ./.runwire/dev-secret (mode 0600, removed at shutdown) so that
"runwire token --user bob" in the same directory mints tokens for other users, and refuses to start with
NODE_ENV=production or a non-loopback --host.

A model (--llm-base-url with /v1, and --llm-model) adds the built-in agent "assistant", which then takes
user_message without agent. Its API key comes from RUNWIRE_LLM_API_KEY or the config file (llmApiKey), never a flag.

Examples:
  runwire serve                                   dev mode on 127.0.0.1:8080, SQLite in ./.runwire/runwire.db
  runwire serve --store memory --port 0           throwaway server on a free port
  RUNWIRE_JWT_SECRET=… runwire serve --host 0.0.0.0 --origin https://app.example.com
  runwire serve --redis redis://10.0.0.5:6379     one of many nodes sharing Redis

Connect: ws://HOST:PORT/ws with "Authorization: Bearer <token>" or subprotocols "runwire.v1, bearer.<token>".
Stop with SIGTERM or Ctrl-C: sockets close with 1001, runs get --shutdown-grace to finish, then are cancelled.
`;

/** Adds `runwire serve`. */
export function registerServeCommand(program: Command): void {
  const command = program
    .command('serve')
    .description('run the Runwire server (HTTP and WebSocket on one port)')
    .addHelpText('after', HELP_AFTER);
  addServerOptions(command);
  command.action(async () => {
    // Loaded here, not at the top: every other command (`runwire check` above all) would pay for the server's
    // modules (about 0.4 s) without using them.
    const [{ startConfiguredServer }, { createLogger }, { loadConfigFile }, { splitConfig }] = await Promise.all([
      import('../create-server.js'),
      import('./create-logger.js'),
      import('./load-config-file.js'),
      import('../config/define-config.js'),
    ]);
    const env = readEnv();
    const flags = flagInput(command);
    const loaded = await loadConfigFile(command.opts<{ config?: string }>().config ?? env.configFile, process.cwd());
    const where = loaded.file ?? 'the command line';
    const parts = splitConfig(loaded.config, where);
    const config = compileServerConfig([parts.serverInput, env.input, flags], isProduction());
    const logger = createLogger(config.logLevel);
    const server = await startConfiguredServer(parts, {
      where,
      overrides: [env.input, flags],
      logger,
      asDefaultRuntime: true,
    });
    if (loaded.file !== undefined) {
      logger.info({ file: loaded.file, agents: parts.agents.map((a) => a.name) }, 'config file loaded');
    }
    // Signal handlers first: a supervisor may send SIGTERM as soon as it reads the line below.
    const stopped = new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) {
          process.stderr.write(`Second ${signal}: exiting now\n`);
          process.exit(1);
        }
        stopping = true;
        // The runs in flight, to say in the log what the grace period did to them (with a memory store the log is
        // the only record left of a run cancelled at shutdown).
        const inFlight = server.runtime.tracker.activeRecords().map((r) => r.runId);
        logger.info({ signal, runsInFlight: inFlight.length, graceMs: config.shutdownGraceMs }, 'shutting down');
        server.close().then(
          () => {
            const cancelled = inFlight.filter((runId) => {
              const record = server.runtime.tracker.get(runId);
              return record?.status === 'cancelled' && record.cancelReason === 'shutdown';
            }).length;
            logger.info({ runsFinished: inFlight.length - cancelled, runsCancelled: cancelled }, 'stopped');
            resolve();
          },
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exitCode = 1;
            resolve();
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    const ws = server.url.replace(/^http/, 'ws');
    process.stderr.write(`Runwire listening on ${server.url} (WebSocket ${ws}/ws, store ${config.store})\n`);
    if (server.listensOnAll !== undefined) {
      process.stderr.write(
        `  bound to every interface (${server.listensOnAll}): from other machines, use this machine's address on port ${server.port}\n`,
      );
    }
    logger.info({ url: server.url, store: config.store, nodeId: server.runtime.nodeId }, 'listening');
    if (server.dev !== undefined) {
      const secretFile = writeDevSecret(server.dev.secret, process.cwd());
      process.stderr.write(
        [
          '',
          'WARNING: dev mode: no --jwt-secret or --jwks configured. A random secret was made for this process;',
          'tokens die with it. Never use dev mode for real users.',
          `Dev token (user "dev", valid 24 h):\n  ${server.dev.token}`,
          `Try: npx wscat -c ${ws}/ws -H "Authorization: Bearer ${server.dev.token}"`,
          `Tokens for other users, while this server runs (run in this directory): npx runwire token --user bob`,
          `  (the secret is in ${secretFile}, readable by you only, and removed at shutdown)`,
          '',
        ].join('\n'),
      );
    }
    await stopped;
    if (server.dev !== undefined) removeDevSecret(server.dev.secret, process.cwd());
  });
}
