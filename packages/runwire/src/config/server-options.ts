import type { DurationInput } from '../duration.js';
import { formatDuration } from '../duration.js';
import { DEFAULTS, THREAD_POLICIES, type ThreadPolicy } from './defaults.js';

/**
 * The option table: one row per server option, from which the CLI flags, the environment variables, `--help`, the
 * README table and the config file's keys are all generated. The defaults come from `defaults.ts`; compiling the
 * options is `server-config.ts`'s.
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
      'Comma-separated user ids allowed the admin routes (GET /api/admin/report, POST /api/admin/check-scores); a token with the claim "runwire:admin": true is admin too',
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
