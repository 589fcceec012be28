import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { AuthConfig } from '../auth/auth-config.js';
import { toMs } from '../duration.js';
import { ConfigError } from '../errors.js';
import { DEFAULTS, THREAD_POLICIES, type ThreadPolicy } from './defaults.js';
import { type LogLevel, SERVER_OPTIONS, type ServerConfigInput, type StoreKind } from './server-options.js';

/**
 * Server configuration. This module is the only reader of `process.env`. Every option has one row in
 * `SERVER_OPTIONS`: the CLI flags, the environment variables and the docs are all generated from it.
 * Precedence: command-line flag, then environment variable, then the `--config` JSON file, then the default.
 */

/** The server's model: an OpenAI-compatible Chat Completions server. `apiKey` is not enumerable (never logged). */
export interface LlmConfig {
  /** Includes `/v1`; requests go to `{baseUrl}/chat/completions`. */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey: string | undefined;
}

/** The compiled configuration: validated, defaults applied, durations in ms. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly store: StoreKind;
  readonly db: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  /** Run lease time to live (Redis: node liveness). */
  readonly leaseTtlMs: number;
  /** `undefined` means dev mode (a random secret is made at start). */
  readonly auth: AuthConfig | undefined;
  /** Allowed browser origins; empty means same-origin only; `['*']` means any. */
  readonly origins: readonly string[];
  readonly heartbeatMs: number;
  readonly maxFrameBytes: number;
  readonly rateLimitPerSecond: number;
  readonly rateBurst: number;
  readonly maxBufferedBytes: number;
  /** Limits on WebSocket handshakes and connections per address and per user (the gateway's `AdmissionLimits`). */
  readonly admission: {
    readonly maxHandshakes: number;
    readonly maxHandshakesPerIp: number;
    readonly maxHandshakesPerUser: number;
    readonly maxConnectionsPerIp: number;
    readonly maxConnectionsPerUser: number;
  };
  readonly shutdownGraceMs: number;
  readonly threadPolicy: ThreadPolicy;
  readonly maxRunsPerUser: number;
  readonly maxQueuedPerUser: number;
  readonly runTimeoutMs: number;
  readonly runHeartbeatTimeoutMs: number;
  readonly eventRetentionMs: number;
  readonly eventRetentionCount: number;
  /** User ids allowed the admin routes (besides tokens with the admin claim). */
  readonly adminUsers: readonly string[];
  readonly qualityRetentionMs: number;
  readonly alertWindowRuns: number;
  readonly alertFailurePercent: number;
  /** The server's model, when `--llm-base-url` and `--llm-model` are given. */
  readonly llm: LlmConfig | undefined;
  readonly llmFirstTokenTimeoutMs: number;
  readonly llmIdleTimeoutMs: number;
  readonly historyLimit: number;
  readonly logLevel: LogLevel;
  /** `NODE_ENV === 'production'`. */
  readonly production: boolean;
}

/** Reads the `RUNWIRE_*` variables of `SERVER_OPTIONS` (and `RUNWIRE_CONFIG`). */
export function readEnv(env: NodeJS.ProcessEnv = process.env): { input: ServerConfigInput; configFile?: string } {
  const input: Record<string, string> = {};
  for (const spec of SERVER_OPTIONS) {
    const value = env[spec.env];
    if (value !== undefined && value !== '') input[spec.key] = value;
  }
  const configFile = env.RUNWIRE_CONFIG;
  return configFile === undefined || configFile === '' ? { input } : { input, configFile };
}

/** Whether the process runs with `NODE_ENV=production`. */
export function isProduction(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV === 'production';
}

/** Reads a `--config` JSON file whose keys are those of `SERVER_OPTIONS`. @throws ConfigError naming the file. */
export function readConfigFile(path: string): ServerConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Cannot read config file '${path}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Config file '${path}' is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`Config file '${path}' must hold a JSON object`);
  }
  const known = new Set(SERVER_OPTIONS.map((s) => s.key as string));
  const unknown = Object.keys(parsed).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new ConfigError(
      `Config file '${path}' has unknown option(s): ${unknown.join(', ')}; known: ${[...known].join(', ')}`,
    );
  }
  return parsed as ServerConfigInput;
}

function int(spec: string, value: number | string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${spec} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function oneOf<T extends string>(spec: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(`${spec} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function label(key: keyof ServerConfigInput): string {
  const spec = SERVER_OPTIONS.find((s) => s.key === key);
  if (spec === undefined) return key;
  return spec.envOnly === true ? `${spec.env} (config key ${spec.key})` : `${spec.flag} (${spec.env})`;
}

/** The model options compiled: both or neither of base URL and model; the key kept out of enumeration. */
function llmConfig(i: ServerConfigInput): LlmConfig | undefined {
  const baseUrl = i.llmBaseUrl?.trim();
  const model = i.llmModel?.trim();
  if (baseUrl === undefined && model === undefined) {
    if (i.llmApiKey !== undefined) {
      throw new ConfigError(
        `${label('llmApiKey')} is set but no model is: set ${label('llmBaseUrl')} and ${label('llmModel')}`,
      );
    }
    return undefined;
  }
  if (baseUrl === undefined || baseUrl === '') {
    throw new ConfigError(`${label('llmModel')} needs ${label('llmBaseUrl')}, e.g. http://localhost:11434/v1`);
  }
  if (model === undefined || model === '') {
    throw new ConfigError(`${label('llmBaseUrl')} needs ${label('llmModel')}, the model name at that server`);
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError(`${label('llmBaseUrl')}: '${baseUrl}' is not a URL like http://localhost:11434/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${label('llmBaseUrl')}: '${baseUrl}' must be an http or https URL`);
  }
  const config = { baseUrl: baseUrl.replace(/\/+$/, ''), model } as LlmConfig;
  // Not enumerable: a logged or serialised config never carries the key.
  Object.defineProperty(config, 'apiKey', { value: i.llmApiKey, enumerable: false });
  return Object.freeze(config);
}

/** Whether `host` is a loopback address or name. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

/** Merges inputs (later ones win) and compiles them. @throws ConfigError naming the option and the fix. */
export function compileServerConfig(inputs: readonly ServerConfigInput[], production = false): ServerConfig {
  const i: ServerConfigInput = {};
  for (const input of inputs) {
    for (const [k, v] of Object.entries(input)) if (v !== undefined) (i as Record<string, unknown>)[k] = v;
  }
  const store: StoreKind = oneOf(
    label('store'),
    i.store ?? (i.redisUrl !== undefined ? 'redis' : undefined),
    ['memory', 'sqlite', 'redis'],
    DEFAULTS.store,
  );
  if (i.jwtSecret !== undefined && i.jwks !== undefined) {
    throw new ConfigError(`Give either ${label('jwtSecret')} or ${label('jwks')}, not both`);
  }
  if (i.jwtSecret !== undefined && i.jwtSecret.length < 32) {
    throw new ConfigError(`${label('jwtSecret')} must be at least 32 characters (256 bits for HS256)`);
  }
  const claims = {
    ...(i.jwtIssuer === undefined ? {} : { issuer: i.jwtIssuer }),
    ...(i.jwtAudience === undefined ? {} : { audience: i.jwtAudience }),
  };
  const auth: AuthConfig | undefined =
    i.jwtSecret !== undefined
      ? { mode: 'secret', secret: i.jwtSecret, ...claims }
      : i.jwks !== undefined
        ? { mode: 'jwks', jwks: i.jwks, ...claims }
        : undefined;
  const origins = (typeof i.origins === 'string' ? i.origins.split(',') : (i.origins ?? []))
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`${label('origins')}: '${origin}' is not an origin like https://app.example.com (no path)`);
    }
  }
  const host = i.host ?? DEFAULTS.host;
  const config: ServerConfig = {
    host,
    port: int(label('port'), i.port, DEFAULTS.port, 0, 65_535),
    store,
    db: i.db ?? DEFAULTS.sqliteFile,
    redisUrl: i.redisUrl ?? DEFAULTS.redisUrl,
    redisPrefix: i.redisPrefix ?? DEFAULTS.redisPrefix,
    leaseTtlMs: toMs(i.leaseTtl ?? DEFAULTS.leaseTtlMs, label('leaseTtl')),
    auth,
    origins,
    heartbeatMs: toMs(i.heartbeat ?? DEFAULTS.socketHeartbeatMs, label('heartbeat')),
    maxFrameBytes: int(label('maxFrameBytes'), i.maxFrameBytes, DEFAULTS.maxFrameBytes, 1024, 64 * 1024 * 1024),
    rateLimitPerSecond: int(label('rateLimit'), i.rateLimit, DEFAULTS.rateLimitPerSecond, 1, 1_000_000),
    rateBurst: int(label('rateBurst'), i.rateBurst, DEFAULTS.rateBurst, 1, 1_000_000),
    maxBufferedBytes: int(
      label('maxBufferedBytes'),
      i.maxBufferedBytes,
      DEFAULTS.maxBufferedBytes,
      1024,
      1024 * 1024 * 1024,
    ),
    admission: {
      maxHandshakes: int(label('maxHandshakes'), i.maxHandshakes, DEFAULTS.maxHandshakes, 1, 10_000),
      maxHandshakesPerIp: int(
        label('maxHandshakesPerIp'),
        i.maxHandshakesPerIp,
        DEFAULTS.maxHandshakesPerIp,
        1,
        1_000_000,
      ),
      maxHandshakesPerUser: int(
        label('maxHandshakesPerUser'),
        i.maxHandshakesPerUser,
        DEFAULTS.maxHandshakesPerUser,
        1,
        1_000_000,
      ),
      maxConnectionsPerIp: int(
        label('maxConnectionsPerIp'),
        i.maxConnectionsPerIp,
        DEFAULTS.maxConnectionsPerIp,
        1,
        10_000_000,
      ),
      maxConnectionsPerUser: int(
        label('maxConnectionsPerUser'),
        i.maxConnectionsPerUser,
        DEFAULTS.maxConnectionsPerUser,
        1,
        10_000_000,
      ),
    },
    shutdownGraceMs: toMs(i.shutdownGrace ?? DEFAULTS.shutdownGraceMs, label('shutdownGrace')),
    threadPolicy: oneOf(label('threadPolicy'), i.threadPolicy, THREAD_POLICIES, DEFAULTS.threadPolicy),
    maxRunsPerUser: int(label('maxRunsPerUser'), i.maxRunsPerUser, DEFAULTS.maxRunsPerUser, 1, 10_000),
    maxQueuedPerUser: int(label('maxQueuedPerUser'), i.maxQueuedPerUser, DEFAULTS.maxQueuedPerUser, 0, 100_000),
    runTimeoutMs: toMs(i.runTimeout ?? DEFAULTS.runTimeoutMs, label('runTimeout')),
    runHeartbeatTimeoutMs: toMs(i.runHeartbeatTimeout ?? DEFAULTS.runHeartbeatTimeoutMs, label('runHeartbeatTimeout')),
    eventRetentionMs: toMs(i.eventRetention ?? DEFAULTS.eventRetentionMs, label('eventRetention')),
    eventRetentionCount: int(
      label('eventRetentionCount'),
      i.eventRetentionCount,
      DEFAULTS.eventRetentionCount,
      1,
      10_000_000,
    ),
    adminUsers: (typeof i.adminUsers === 'string' ? i.adminUsers.split(',') : (i.adminUsers ?? []))
      .map((u) => u.trim())
      .filter((u) => u.length > 0),
    qualityRetentionMs: toMs(i.qualityRetention ?? DEFAULTS.qualityRetentionMs, label('qualityRetention')),
    alertWindowRuns: int(label('alertWindow'), i.alertWindow, DEFAULTS.alertWindowRuns, 1, 10_000),
    alertFailurePercent: int(label('alertFailurePercent'), i.alertFailurePercent, DEFAULTS.alertFailurePercent, 1, 100),
    llm: llmConfig(i),
    llmFirstTokenTimeoutMs: toMs(
      i.llmFirstTokenTimeout ?? DEFAULTS.llmFirstTokenTimeoutMs,
      label('llmFirstTokenTimeout'),
    ),
    llmIdleTimeoutMs: toMs(i.llmIdleTimeout ?? DEFAULTS.llmIdleTimeoutMs, label('llmIdleTimeout')),
    historyLimit: int(label('historyLimit'), i.historyLimit, DEFAULTS.historyLimit, 1, 10_000),
    logLevel: oneOf(
      label('logLevel'),
      i.logLevel,
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
      DEFAULTS.logLevel,
    ),
    production,
  };
  if (config.heartbeatMs < 10) throw new ConfigError(`${label('heartbeat')} must be at least 10 ms`);
  if (config.runTimeoutMs < 1) throw new ConfigError(`${label('runTimeout')} must be positive`);
  if (config.qualityRetentionMs < 86_400_000) {
    throw new ConfigError(`${label('qualityRetention')} must be at least 1 day (rollups are per day)`);
  }
  if (config.leaseTtlMs < 300) throw new ConfigError(`${label('leaseTtl')} must be at least 300 ms`);
  if (config.auth === undefined) {
    if (production) {
      throw new ConfigError(
        `No token secret configured and NODE_ENV=production: set ${label('jwtSecret')} or ${label('jwks')}; dev mode is not allowed in production`,
      );
    }
    if (!isLoopbackHost(host)) {
      throw new ConfigError(
        `No token secret configured: dev mode binds loopback only, but ${label('host')} is '${host}'. Set ${label('jwtSecret')} or ${label('jwks')}`,
      );
    }
  }
  return config;
}

/** The environment's secret for `runwire token` (flag, env, or config file), if any. */
export function tokenSecretFrom(inputs: readonly ServerConfigInput[]): string | undefined {
  let secret: string | undefined;
  for (const input of inputs) if (input.jwtSecret !== undefined) secret = input.jwtSecret;
  return secret;
}

/** The admin token of `runwire report` when `--token` is not given: `RUNWIRE_TOKEN`. */
export function reportTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = env.RUNWIRE_TOKEN;
  return token === undefined || token === '' ? undefined : token;
}
