import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AuthConfig } from './auth/auth-config.js';
import { mintToken } from './auth/mint-token.js';
import { TokenVerifier } from './auth/token-verifier.js';
import type { ServerConfig } from './config/server-config.js';
import { CLOSE } from './gateway/client-connection.js';
import { WsGateway } from './gateway/ws-gateway.js';
import { AdminAccess } from './http/admin-access.js';
import { registerAdminCheckScoresRoute } from './http/admin-check-scores-route.js';
import { registerAdminReportRoute } from './http/admin-report-route.js';
import { registerAguiRoute } from './http/agui/agui-route.js';
import { registerDevTokenRoute } from './http/dev-token-route.js';
import { registerHttpRoutes } from './http/http-routes.js';
import { ServerMetrics } from './http/server-metrics.js';
import { findWebRoot, registerStaticPage } from './http/static-page.js';
import type { Logger } from './logger.js';
import type { Runtime } from './runtime/create-runtime.js';
import { createRuntime } from './runtime/create-runtime.js';
import { initDefaultRuntime } from './runtime/default-runtime.js';
import type { StoresFactory } from './stores/stores.js';

export interface StartServerOptions {
  readonly config: ServerConfig;
  readonly logger: Logger;
  /** Builds the stores (memory, SQLite or Redis) from the config. */
  readonly stores: StoresFactory;
  /**
   * Install the server's runtime as the process's default runtime, so `getExecutionTracker()` anywhere in the
   * process returns the server's tracker (the CLI does this). @default false
   */
  readonly asDefaultRuntime?: boolean;
  /** The built chat page's folder; `null`: serve no page. @default `@runwire/web`'s dist, when installed and built */
  readonly webRoot?: string | null;
  /** Extra runtime options for embedding and tests (agents, clock, …). */
  readonly runtime?: Omit<Parameters<typeof createRuntime>[0] & object, 'stores' | 'logger'>;
}

/** What every way of running Runwire (its own port, or a host's server) hands its caller. */
export interface RunwireParts {
  readonly runtime: Runtime;
  readonly metrics: ServerMetrics;
  readonly gateway: WsGateway;
  /** In dev mode (no secret configured): the random secret and a ready-to-use token for user `dev`. */
  readonly dev: { readonly secret: string; readonly token: string } | undefined;
}

/** The parts of an assembled server its caller gets, without the internals (config, routes, close). */
export function runwireParts({ runtime, metrics, gateway, dev }: RunwireParts): RunwireParts {
  return { runtime, metrics, gateway, dev };
}

/** Everything a Runwire server is made of, before anyone feeds it requests. */
export interface AssembledServer extends RunwireParts {
  readonly config: ServerConfig;
  /** Runwire's HTTP routes; not listening. */
  readonly app: FastifyInstance;
  /**
   * Stop accepting, close sockets with 1001, close the routes, let runs finish for `graceMs`, cancel the rest, close
   * the stores. Idempotent: later calls return the first one's promise.
   */
  close(graceMs: number): Promise<void>;
}

/**
 * Builds the runtime, the HTTP routes and the WebSocket gateway, started but not bound to any port: the standalone
 * server listens on its own, an embedding app feeds them its requests. `chatPage: false` leaves `/` to the host.
 */
export async function assembleServer(
  options: StartServerOptions,
  how: { readonly chatPage: boolean },
): Promise<AssembledServer> {
  const { config, logger } = options;
  let dev: AssembledServer['dev'];
  let auth: AuthConfig;
  if (config.auth === undefined) {
    const secret = randomBytes(32).toString('base64url');
    dev = { secret, token: await mintToken({ secret, userId: 'dev', ttlMs: 24 * 3_600_000 }) };
    auth = { mode: 'secret', secret };
  } else {
    auth = config.auth;
  }
  const verifier = await TokenVerifier.create(auth);
  // The provider (and the AI SDK under it) is loaded only when a model is configured.
  const configuredModel =
    config.llm === undefined || options.runtime?.model !== undefined
      ? undefined
      : (await import('./runtime/openai-compatible-model.js')).openAICompatibleModel(config.llm);
  const runtime = (options.asDefaultRuntime === true ? initDefaultRuntime : createRuntime)({
    ...options.runtime,
    logger,
    stores: options.stores,
    heartbeatTimeout: config.runHeartbeatTimeoutMs,
    runTimeout: config.runTimeoutMs,
    leaseTtl: config.leaseTtlMs,
    eventRetention: { maxAge: config.eventRetentionMs, maxEventsPerUser: config.eventRetentionCount },
    quality: {
      retention: config.qualityRetentionMs,
      alertWindowRuns: config.alertWindowRuns,
      alertFailureRate: config.alertFailurePercent / 100,
    },
    historyLimit: options.runtime?.historyLimit ?? config.historyLimit,
    ...(configuredModel === undefined ? {} : { model: configuredModel }),
    modelLimits: {
      firstTokenTimeout: config.llmFirstTokenTimeoutMs,
      idleTimeout: config.llmIdleTimeoutMs,
      ...options.runtime?.modelLimits,
    },
    scheduler: {
      threadPolicy: config.threadPolicy,
      maxConcurrentRunsPerUser: config.maxRunsPerUser,
      maxQueuedRunsPerUser: config.maxQueuedPerUser,
      ...options.runtime?.scheduler,
    },
  });
  await runtime.start();
  const metrics = new ServerMetrics(runtime);

  let accepting = true;
  const readiness = async (): Promise<{ ready: boolean; checks: Record<string, boolean> }> => {
    const checks = { ...(await runtime.health()), accepting };
    return { ready: Object.values(checks).every(Boolean), checks };
  };
  let lastReady = true;
  // Upgrades check readiness synchronously; keep a fresh value without awaiting per upgrade.
  const readyTimer = setInterval(() => {
    void readiness().then((r) => {
      lastReady = r.ready;
    });
  }, 1000);
  readyTimer.unref();

  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: config.maxFrameBytes });
  registerHttpRoutes(app, { runtime, verifier, metrics, readiness, isServing: () => accepting && lastReady });
  const access = new AdminAccess(verifier, config.adminUsers);
  registerAdminReportRoute(app, { runtime, access });
  registerAdminCheckScoresRoute(app, { runtime, access });
  registerAguiRoute(app, { runtime, verifier, origins: config.origins });
  if (how.chatPage) {
    registerStaticPage(app, {
      root: options.webRoot === undefined ? await findWebRoot() : (options.webRoot ?? undefined),
    });
  }
  registerDevTokenRoute(app, { secret: dev?.secret, host: config.host });
  const gateway = new WsGateway({
    runtime,
    verifier,
    metrics,
    isAccepting: () => accepting && lastReady,
    gateway: {
      path: '/ws',
      heartbeatMs: config.heartbeatMs,
      maxFrameBytes: config.maxFrameBytes,
      origins: config.origins,
      admission: config.admission,
      limits: {
        rateLimitPerSecond: config.rateLimitPerSecond,
        rateBurst: config.rateBurst,
        maxBufferedBytes: config.maxBufferedBytes,
        abuseThreshold: 100,
        abuseWindowMs: 10_000,
      },
    },
  });

  let closing: Promise<void> | undefined;
  return {
    config,
    runtime,
    metrics,
    gateway,
    app,
    dev,
    close(graceMs) {
      closing ??= (async () => {
        accepting = false;
        lastReady = false;
        clearInterval(readyTimer);
        gateway.close(CLOSE.goingAway);
        metrics.close();
        await app.close();
        await runtime.close(graceMs);
      })();
      return closing;
    },
  };
}
