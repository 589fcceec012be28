import { DEFAULTS } from '../../config/defaults.js';
import { ConfigError } from '../../errors.js';

/** The key prefix used when none is configured. */
export const DEFAULT_REDIS_PREFIX = DEFAULTS.redisPrefix;

/**
 * Every Redis key and channel name Runwire uses, built from one prefix so several deployments (or tests) can share
 * a server. Per-user keys and the user's channel carry the user id as a hash tag (`{userId}`), so one user's log,
 * counter and channel live in one cluster slot and the append script touches a single slot.
 *
 * | key | type | holds |
 * |---|---|---|
 * | `P:run:<runId>` | string | the run record as JSON |
 * | `P:u:{userId}:runs` | zset | the user's run ids as `<createdAt, 16 digits>:<runId>`, all score 0 (lex order = list order) |
 * | `P:active` | set | ids of runs not terminal, all nodes |
 * | `P:n:<nodeId>:active` | set | ids of runs not terminal, one node |
 * | `P:ended` | zset | ids of runs with an end time, scored by it (for pruning) |
 * | `P:lease:<runId>` | hash | `node`, `token`, `exp` (epoch ms), `user` (when it holds a user slot), `claimed` |
 * | `P:leases` | zset | leased run ids scored by expiry |
 * | `P:fence` | string | the cluster-wide fencing token counter |
 * | `P:u:{userId}:slots` | set | run ids holding one of the user's concurrency slots |
 * | `P:u:{userId}:seq` | string | the user's last assigned `seq` (never reset, even when the log is pruned) |
 * | `P:u:{userId}:stream` | stream | the user's events, entry id `<seq>-0`, fields `e` (JSON), `t` (append ms), `r` (run id), `w` (writer tag) |
 * | `P:u:{userId}:writers` | hash | writer id → number of its last append (to recognise a resent append) |
 * | `P:u:{userId}:closed` | zset | runs whose terminal event is logged, scored by its seq (nothing more is appended for them) |
 * | `P:q:<day>:all` | hash | the day's quality counters of every user and the server-wide ones, field `agent␟outcome␟metric` |
 * | `P:q:<day>:u:{userId}` | hash | the same counters of one user |
 * | `P:check:<path>` | zset | the SSOT check scores of a path as JSON, scored by when they were recorded (ms) |
 * | `P:checks` | set | the paths that have check scores (for pruning) |
 * | `P:u:{userId}:threads` | zset | the user's thread ids scored by their last update (ms) |
 * | `P:u:{userId}:t:<threadId>` | hash | a thread: `title`, `createdAt`, `updatedAt`, `lastRunId` |
 * | `P:u:{userId}:t:<threadId>:m` | list | the thread's messages as JSON, oldest first |
 *
 * Channels: `P:u:{userId}` (the user's events, JSON), `P:n:{nodeId}` (control messages for one node).
 * `prune` of the log finds the streams with SCAN (`P:u:*:stream`), so no global key is touched on append.
 */
export class RedisKeys {
  readonly prefix: string;

  /** @throws ConfigError when the prefix is empty or contains `{`/`}` (it would break the per-user hash tags). */
  constructor(prefix: string = DEFAULT_REDIS_PREFIX) {
    if (prefix.length === 0 || /[{}\s]/.test(prefix)) {
      throw new ConfigError(
        `Invalid Redis key prefix '${prefix}': use a non-empty prefix without braces or spaces, e.g. 'runwire:'`,
      );
    }
    this.prefix = prefix;
  }

  run(runId: string): string {
    return `${this.prefix}run:${runId}`;
  }

  userRuns(userId: string): string {
    return `${this.#user(userId)}:runs`;
  }

  get active(): string {
    return `${this.prefix}active`;
  }

  nodeActive(nodeId: string): string {
    return `${this.prefix}n:${nodeId}:active`;
  }

  get ended(): string {
    return `${this.prefix}ended`;
  }

  lease(runId: string): string {
    return `${this.prefix}lease:${runId}`;
  }

  get leases(): string {
    return `${this.prefix}leases`;
  }

  get fence(): string {
    return `${this.prefix}fence`;
  }

  userSlots(userId: string): string {
    return `${this.#user(userId)}:slots`;
  }

  userSeq(userId: string): string {
    return `${this.#user(userId)}:seq`;
  }

  userStream(userId: string): string {
    return `${this.#user(userId)}:stream`;
  }

  userWriters(userId: string): string {
    return `${this.#user(userId)}:writers`;
  }

  /** The user's runs whose terminal event is logged. */
  userClosedRuns(userId: string): string {
    return `${this.#user(userId)}:closed`;
  }

  /** A day's quality counters: of one user, or (no user) of everyone and the server-wide ones. */
  qualityDay(day: string, userId?: string): string {
    return userId === undefined ? `${this.prefix}q:${day}:all` : `${this.prefix}q:${day}:u:{${userId}}`;
  }

  /** The check scores of one path. */
  checkScores(path: string): string {
    return `${this.prefix}check:${path}`;
  }

  /** The paths that have check scores. */
  get checkPaths(): string {
    return `${this.prefix}checks`;
  }

  /** The channel of a user's events. */
  userThreads(userId: string): string {
    return `${this.#user(userId)}:threads`;
  }

  thread(userId: string, threadId: string): string {
    return `${this.#user(userId)}:t:${threadId}`;
  }

  threadMessages(userId: string, threadId: string): string {
    return `${this.#user(userId)}:t:${threadId}:m`;
  }

  userChannel(userId: string): string {
    return this.#user(userId);
  }

  /** The channel of control messages for one node. */
  nodeChannel(nodeId: string): string {
    return `${this.prefix}n:{${nodeId}}`;
  }

  #user(userId: string): string {
    return `${this.prefix}u:{${userId}}`;
  }
}

/** The member of a run in its user's index: lexicographic order equals list order (createdAt, then run id). */
export function runIndexMember(record: { createdAt: number; runId: string }): string {
  return `${String(Math.max(0, Math.trunc(record.createdAt))).padStart(16, '0')}:${record.runId}`;
}

/** The run id of an index member. */
export function runIdOfIndexMember(member: string): string {
  return member.slice(17);
}

/** Escapes the glob characters of SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
