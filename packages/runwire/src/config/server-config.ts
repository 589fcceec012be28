import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { AuthConfig } from '../auth/auth-config.js';
import { type DurationInput, formatDuration, toMs } from '../duration.js';
import { ConfigError } from '../errors.js';
import { DEFAULTS, THREAD_POLICIES, type ThreadPolicy } from './defaults.js';

/**
 * Server configuration. This module is the only reader of `process.env`. Every option has one row in
 * `SERVER_OPTIONS`: the CLI flags, the environment variables and the docs are all generated from it.
 * Precedence: command-line flag, then environment variable, then the `--config` JSON file, then the default.
 */

export type StoreKind = 'memory' | 'sqlite' | 'redis';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

type Kind = 'string' | 'int' | 'duration' | 'list' | 'enum';

export interface OptionSpec {
  /** Key in the config file and in `ServerConfigInput`. */
  readonly key: keyof ServerConfigInput;
  /** Long flag, without the value placeholder. */
  readonly flag: string;
  /** Value placeholder for `--help`. */
  readonly value: string;
  readonly env: string;
  readonly kind: Kind;
  readonly choices?: readonly string[];
  readonly defaultText: string;
  readonly description: string;
  /** A secret: environment variable or config file only, never a flag (it would show in `ps` and shell history). */
  readonly envOnly?: boolean;
}

/** Every server option, in the order `--help` and the docs list them. */
export const SERVER_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'host',
    flag: '--host',
    value: 'HOST',
    env: 'RUNWIRE_HOST',
    kind: 'string',
    defaultText: DEFAULTS.host,
    description: 'Interface to listen on',
  },
  {
    key: 'port',
    flag: '--port',
    value: 'PORT',
    env: 'RUNWIRE_PORT',
    kind: 'int',
    defaultText: String(DEFAULTS.port),
    description: 'Port for HTTP and WebSocket (0 picks a free port)',
  },
  {
    key: 'store',
    flag: '--store',
    value: 'KIND',
    env: 'RUNWIRE_STORE',
    kind: 'enum',
    choices: ['memory', 'sqlite', 'redis'],
    defaultText: DEFAULTS.store,
    description: 'Where runs and events live: sqlite (one durable file), memory (lost on exit), redis (many nodes)',
  },
  {
    key: 'db',
    flag: '--db',
    value: 'FILE',
    env: 'RUNWIRE_DB',
    kind: 'string',
    defaultText: DEFAULTS.sqliteFile,
    description: 'SQLite database file (with --store sqlite)',
  },
  {
    key: 'redisUrl',
    flag: '--redis',
    value: 'URL',
    env: 'RUNWIRE_REDIS_URL',
    kind: 'string',
    defaultText: DEFAULTS.redisUrl,
    description: 'Redis URL (with --store redis; giving it implies --store redis)',
  },
  {
    key: 'redisPrefix',
    flag: '--redis-prefix',
    value: 'PREFIX',
    env: 'RUNWIRE_REDIS_PREFIX',
    kind: 'string',
    defaultText: DEFAULTS.redisPrefix,
    description: 'Prefix of every Redis key',
  },
  {
    key: 'leaseTtl',
    flag: '--lease-ttl',
    value: 'DURATION',
    env: 'RUNWIRE_LEASE_TTL',
    kind: 'duration',
    defaultText: formatDuration(DEFAULTS.leaseTtlMs),
    description:
      'With --store redis: a node that renews no run lease for this long is taken for dead, and its runs end as dead (node_lost) within about 1.2 × this',
  },
  {
    key: 'jwtSecret',
    flag: '--jwt-secret',
    value: 'SECRET',
    env: 'RUNWIRE_JWT_SECRET',
    kind: 'string',
    defaultText: '(none: dev mode)',
    description: 'HS256 secret that signs tokens (at least 32 characters)',
  },
  {
    key: 'jwks',
    flag: '--jwks',
    value: 'FILE_OR_URL',
    env: 'RUNWIRE_JWKS',
    kind: 'string',
    defaultText: '(none)',
    description: 'JSON Web Key Set for RS256/ES256 tokens, as a file or an http(s) URL',
  },
  {
    key: 'jwtIssuer',
    flag: '--jwt-issuer',
    value: 'ISS',
    env: 'RUNWIRE_JWT_ISSUER',
    kind: 'string',
    defaultText: '(not checked)',
    description: 'Required `iss` claim',
  },
  {
    key: 'jwtAudience',
    flag: '--jwt-audience',
    value: 'AUD',
    env: 'RUNWIRE_JWT_AUDIENCE',
    kind: 'string',
    defaultText: '(not checked)',
    description: 'Required `aud` claim',
  },
  {
    key: 'origins',
    flag: '--origin',
    value: 'LIST',
    env: 'RUNWIRE_ORIGIN',
    kind: 'list',
    defaultText: '(same origin only)',
    description: 'Comma-separated browser origins allowed to open sockets (`*` allows any)',
  },
  {
    key: 'heartbeat',
    flag: '--heartbeat',
    value: 'DURATION',
    env: 'RUNWIRE_HEARTBEAT',
    kind: 'duration',
    defaultText: formatDuration(DEFAULTS.socketHeartbeatMs),
    description: 'WebSocket ping interval; a socket silent for two intervals is dropped',
  },
  {
    key: 'maxFrameBytes',
    flag: '--max-frame-bytes',
    value: 'BYTES',
    env: 'RUNWIRE_MAX_FRAME_BYTES',
    kind: 'int',
    defaultText: String(DEFAULTS.maxFrameBytes),
    description: 'Largest inbound frame; larger ones close the socket with 1009',
  },
  {
    key: 'rateLimit',
    flag: '--rate-limit',
    value: 'PER_SECOND',
    env: 'RUNWIRE_RATE_LIMIT',
    kind: 'int',
    defaultText: String(DEFAULTS.rateLimitPerSecond),
    description: 'Sustained inbound frames per second per connection',
  },
  {
    key: 'rateBurst',
    flag: '--rate-burst',
    value: 'FRAMES',
    env: 'RUNWIRE_RATE_BURST',
    kind: 'int',
    defaultText: String(DEFAULTS.rateBurst),
    description: 'Burst of inbound frames allowed above the rate',
  },
  {
    key: 'maxBufferedBytes',
    flag: '--max-buffered-bytes',
    value: 'BYTES',
    env: 'RUNWIRE_MAX_BUFFERED_BYTES',
    kind: 'int',
    defaultText: String(DEFAULTS.maxBufferedBytes),
    description: 'Send buffer above which a slow client is closed with 1013 (it resumes later)',
  },
  {
    key: 'maxHandshakes',
    flag: '--max-handshakes',
    value: 'N',
    env: 'RUNWIRE_MAX_HANDSHAKES',
    kind: 'int',
    defaultText: String(DEFAULTS.maxHandshakes),
    description:
      'WebSocket upgrades verified and set up at the same time; more wait their turn, round-robin across client addresses',
  },
  {
    key: 'maxHandshakesPerIp',
    flag: '--max-handshakes-per-ip',
    value: 'N',
    env: 'RUNWIRE_MAX_HANDSHAKES_PER_IP',
    kind: 'int',
    defaultText: String(DEFAULTS.maxHandshakesPerIp),
    description: 'Upgrades of one client address in progress or waiting; more are refused with HTTP 429',
  },
  {
    key: 'maxHandshakesPerUser',
    flag: '--max-handshakes-per-user',
    value: 'N',
    env: 'RUNWIRE_MAX_HANDSHAKES_PER_USER',
    kind: 'int',
    defaultText: String(DEFAULTS.maxHandshakesPerUser),
    description: 'Upgrades of one user being set up at the same time; more are refused with HTTP 429',
  },
  {
    key: 'maxConnectionsPerIp',
    flag: '--max-connections-per-ip',
    value: 'N',
    env: 'RUNWIRE_MAX_CONNECTIONS_PER_IP',
    kind: 'int',
    defaultText: String(DEFAULTS.maxConnectionsPerIp),
    description: 'Open WebSocket connections of one client address (behind a proxy: of all clients); more get HTTP 429',
  },
  {
    key: 'maxConnectionsPerUser',
    flag: '--max-connections-per-user',
    value: 'N',
    env: 'RUNWIRE_MAX_CONNECTIONS_PER_USER',
    kind: 'int',
    defaultText: String(DEFAULTS.maxConnectionsPerUser),
    description: 'Open WebSocket connections of one user; more are refused with HTTP 429',
  },
  {
    key: 'shutdownGrace',
    flag: '--shutdown-grace',
    value: 'DURATION',
    env: 'RUNWIRE_SHUTDOWN_GRACE',
    kind: 'duration',
    defaultText: formatDuration(DEFAULTS.shutdownGraceMs),
    description: 'How long runs may finish on SIGTERM before they are cancelled',
  },
  {
    key: 'threadPolicy',
    flag: '--thread-policy',
    value: 'POLICY',
    env: 'RUNWIRE_THREAD_POLICY',
    kind: 'enum',
    choices: THREAD_POLICIES,
    defaultText: DEFAULTS.threadPolicy,
    description: 'What a new run on a busy thread does',
  },
  {
    key: 'maxRunsPerUser',
    flag: '--max-runs-per-user',
    value: 'N',
    env: 'RUNWIRE_MAX_RUNS_PER_USER',
    kind: 'int',
    defaultText: String(DEFAULTS.maxRunsPerUser),
    description: 'Running runs per user; more wait in the user queue',
  },
  {
    key: 'maxQueuedPerUser',
    flag: '--max-queued-per-user',
    value: 'N',
    env: 'RUNWIRE_MAX_QUEUED_PER_USER',
    kind: 'int',
    defaultText: String(DEFAULTS.maxQueuedPerUser),
    description: 'Waiting runs per user before too_many_runs',
  },
  {
    key: 'runTimeout',
    flag: '--run-timeout',
    value: 'DURATION',
    env: 'RUNWIRE_RUN_TIMEOUT',
    kind: 'duration',
    defaultText: formatDuration(DEFAULTS.runTimeoutMs),
    description: 'Default deadline of a run, from its start',
  },
  {
    key: 'runHeartbeatTimeout',
    flag: '--run-heartbeat-timeout',
    value: 'DURATION',
    env: 'RUNWIRE_RUN_HEARTBEAT_TIMEOUT',
    kind: 'duration',
    defaultText: formatDuration(DEFAULTS.runHeartbeatTimeoutMs),
    description: 'A run with no heartbeat for this long is marked dead',
  },
  {
    key: 'eventRetention',
    flag: '--event-retention',
    value: 'DURATION',
    env: 'RUNWIRE_EVENT_RETENTION',
    kind: 'duration',
    defaultText: formatDuration(DEFAULTS.eventRetentionMs),
    description: 'How long events are kept for resume',
  },
  {
    key: 'eventRetentionCount',
    flag: '--event-retention-count',
    value: 'N',
    env: 'RUNWIRE_EVENT_RETENTION_COUNT',
    kind: 'int',
    defaultText: String(DEFAULTS.eventRetentionCount),
    description: 'How many newest events are kept per user',
  },
  {
    key: 'adminUsers',
    flag: '--admin-users',
    value: 'LIST',
    env: 'RUNWIRE_ADMIN_USERS',
    kind: 'list',
    defaultText: '(none)',
    description:
      'Comma-separated user ids allowed the admin routes (GET /api/admin/report); a token with the claim "runwire:admin": true is admin too',
  },
  {
    key: 'qualityRetention',
    flag: '--quality-retention',
    value: 'DURATION',
    env: 'RUNWIRE_QUALITY_RETENTION',
    kind: 'duration',
    defaultText: formatDuration(DEFAULTS.qualityRetentionMs),
    description: 'How long per-day quality rollups (run outcomes, latency, denied accesses) are kept',
  },
  {
    key: 'alertWindow',
    flag: '--alert-window',
    value: 'RUNS',
    env: 'RUNWIRE_ALERT_WINDOW',
    kind: 'int',
    defaultText: String(DEFAULTS.alertWindowRuns),
    description: "Last runs of one of a user's agents a failure-rate quality alert is judged on",
  },
  {
    key: 'alertFailurePercent',
    flag: '--alert-failure-percent',
    value: 'PERCENT',
    env: 'RUNWIRE_ALERT_FAILURE_PERCENT',
    kind: 'int',
    defaultText: String(DEFAULTS.alertFailurePercent),
    description: 'Share of failed, timed-out and dead runs over the window that raises a failure-rate alert',
  },
  {
    key: 'llmBaseUrl',
    flag: '--llm-base-url',
    value: 'URL',
    env: 'RUNWIRE_LLM_BASE_URL',
    kind: 'string',
    defaultText: '(none: no model)',
    description:
      'OpenAI-compatible server for the built-in assistant, with /v1 (e.g. http://localhost:11434/v1 for Ollama); needs --llm-model',
  },
  {
    key: 'llmModel',
    flag: '--llm-model',
    value: 'NAME',
    env: 'RUNWIRE_LLM_MODEL',
    kind: 'string',
    defaultText: '(none)',
    description: 'Model name at --llm-base-url; with a model, user_message without agent goes to assistant',
  },
  {
    key: 'llmApiKey',
    flag: '(no flag)',
    value: '',
    env: 'RUNWIRE_LLM_API_KEY',
    kind: 'string',
    defaultText: '(none)',
    description: 'API key of the model server; environment or config file only, never logged',
    envOnly: true,
  },
  {
    key: 'llmFirstTokenTimeout',
    flag: '--llm-first-token-timeout',
    value: 'DURATION',
    env: 'RUNWIRE_LLM_FIRST_TOKEN_TIMEOUT',
    kind: 'duration',
    defaultText: formatDuration(DEFAULTS.llmFirstTokenTimeoutMs),
    description: 'A model that sends nothing this long after a request ends the run with llm_stalled (first_token)',
  },
  {
    key: 'llmIdleTimeout',
    flag: '--llm-idle-timeout',
    value: 'DURATION',
    env: 'RUNWIRE_LLM_IDLE_TIMEOUT',
    kind: 'duration',
    defaultText: formatDuration(DEFAULTS.llmIdleTimeoutMs),
    description: 'A model silent this long between chunks ends the run with llm_stalled (between_chunks)',
  },
  {
    key: 'historyLimit',
    flag: '--history-limit',
    value: 'N',
    env: 'RUNWIRE_HISTORY_LIMIT',
    kind: 'int',
    defaultText: String(DEFAULTS.historyLimit),
    description: 'Earlier thread messages an LLM agent receives (oldest dropped first)',
  },
  {
    key: 'logLevel',
    flag: '--log-level',
    value: 'LEVEL',
    env: 'RUNWIRE_LOG_LEVEL',
    kind: 'enum',
    choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    defaultText: DEFAULTS.logLevel,
    description: 'Log level (logs are JSON unless stdout is a terminal)',
  },
];

/** Server options as given (flags, env, config file, code). Durations accept ms or strings like `'10s'`. */
export interface ServerConfigInput {
  host?: string;
  port?: number | string;
  store?: StoreKind;
  db?: string;
  redisUrl?: string;
  redisPrefix?: string;
  leaseTtl?: DurationInput;
  jwtSecret?: string;
  jwks?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  origins?: readonly string[] | string;
  heartbeat?: DurationInput;
  maxFrameBytes?: number | string;
  rateLimit?: number | string;
  rateBurst?: number | string;
  maxBufferedBytes?: number | string;
  maxHandshakes?: number | string;
  maxHandshakesPerIp?: number | string;
  maxHandshakesPerUser?: number | string;
  maxConnectionsPerIp?: number | string;
  maxConnectionsPerUser?: number | string;
  shutdownGrace?: DurationInput;
  threadPolicy?: ThreadPolicy;
  maxRunsPerUser?: number | string;
  maxQueuedPerUser?: number | string;
  runTimeout?: DurationInput;
  runHeartbeatTimeout?: DurationInput;
  eventRetention?: DurationInput;
  eventRetentionCount?: number | string;
  adminUsers?: readonly string[] | string;
  qualityRetention?: DurationInput;
  alertWindow?: number | string;
  alertFailurePercent?: number | string;
  llmBaseUrl?: string;
  llmModel?: string;
  llmApiKey?: string;
  llmFirstTokenTimeout?: DurationInput;
  llmIdleTimeout?: DurationInput;
  historyLimit?: number | string;
  logLevel?: LogLevel;
}

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
