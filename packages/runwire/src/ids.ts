import { randomFillSync } from 'node:crypto';

declare const brand: unique symbol;
/** A string that the type system keeps apart from other strings of the same shape. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** The authenticated user a run, event or connection belongs to (the JWT `sub`). */
export type UserId = Brand<string, 'UserId'>;
/** A conversation; runs on one thread execute one at a time. */
export type ThreadId = Brand<string, 'ThreadId'>;
/** One agent run. */
export type RunId = Brand<string, 'RunId'>;
/** A client's request id (`id` on inbound frames) or a server-made one. */
export type RequestId = Brand<string, 'RequestId'>;
/** One WebSocket connection. */
export type ConnectionId = Brand<string, 'ConnectionId'>;
/** One tool call inside a run. */
export type ToolCallId = Brand<string, 'ToolCallId'>;

/** Prefixes of generated ids, so an id says what it names in logs. */
export const ID_PREFIX = {
  thread: 'thr_',
  run: 'run_',
  request: 'req_',
  connection: 'conn_',
  toolCall: 'call_',
  node: 'node_',
} as const;

/** 16 random bytes: 128 bits, above the 120 bits the ids promise. */
const RANDOM_BYTES = 16;

/**
 * Random bytes are drawn 256 ids at a time: one `randomFillSync` call costs about as much as sixteen bytes, and a
 * run makes four or five ids. Each byte of the pool is used once.
 */
const pool = Buffer.alloc(RANDOM_BYTES * 256);
let poolOffset = pool.length;

function randomPart(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const part = pool.toString('base64url', poolOffset, poolOffset + RANDOM_BYTES);
  poolOffset += RANDOM_BYTES;
  return part;
}

export const newThreadId = (): ThreadId => (ID_PREFIX.thread + randomPart()) as ThreadId;
export const newRunId = (): RunId => (ID_PREFIX.run + randomPart()) as RunId;
export const newRequestId = (): RequestId => (ID_PREFIX.request + randomPart()) as RequestId;
export const newConnectionId = (): ConnectionId => (ID_PREFIX.connection + randomPart()) as ConnectionId;
export const newToolCallId = (): ToolCallId => (ID_PREFIX.toolCall + randomPart()) as ToolCallId;
export const newNodeId = (): string => ID_PREFIX.node + randomPart();

/**
 * Values that look like ids but are left-overs of missing data. An id equal to one of these
 * (compared case-insensitively, after trimming) is rejected wherever an id is accepted.
 */
export const PLACEHOLDER_IDS: ReadonlySet<string> = new Set([
  '',
  'none',
  'null',
  'nil',
  'undefined',
  'test',
  'default',
  'anonymous',
  'unknown',
  'placeholder',
  'user',
  'todo',
  'xxx',
  '0',
  '-',
]);

/** Longest id accepted anywhere (ids are echoed on the wire and used as store keys). */
export const MAX_ID_LENGTH = 128;

/**
 * Why `value` is not a usable id, or `undefined` when it is one.
 * Ids are non-empty strings of printable characters without whitespace, at most 128 long, not placeholders.
 */
export function idProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `expected a string, got ${describeValue(value)}`;
  if (value.length === 0) return 'expected a non-empty string';
  if (PLACEHOLDER_IDS.has(value.trim().toLowerCase())) return `'${value}' is a placeholder, not an id`;
  if (value.length > MAX_ID_LENGTH) return `expected at most ${MAX_ID_LENGTH} characters, got ${value.length}`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return 'expected no whitespace or control characters';
  return undefined;
}

/** A short, log-safe description of a value's kind, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
