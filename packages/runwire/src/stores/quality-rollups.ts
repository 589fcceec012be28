/**
 * One counter of a day's rollup. `agent` and `outcome` name what it counts (both `''` for server-wide counters such
 * as blocked constructions); `metric` names the counter (`runs`, `duration_b3`, `tool_calls:clock`, …).
 */
export interface RollupCell {
  readonly agent: string;
  readonly outcome: string;
  readonly metric: string;
  readonly value: number;
}

/** The counters of one UTC day (`YYYY-MM-DD`), summed over every node that wrote them. */
export interface RollupDay {
  readonly day: string;
  /** Sorted by agent, outcome, metric; only counters that are not zero. */
  readonly cells: readonly RollupCell[];
}

/** Which rollups to read: days from `fromDay` to `toDay` (both included, `YYYY-MM-DD`). */
export interface RollupQuery {
  readonly fromDay: string;
  readonly toDay: string;
  /** One user's counters only; absent: every user's and the server-wide counters, summed. */
  readonly userId?: string;
}

/**
 * Per-day quality counters that outlive the process: what runs ended how, latency histograms with fixed buckets,
 * tool calls, blocked constructions, denied cross-user accesses. Counters only ever grow by `add`, so writes of
 * several nodes merge by addition, in any order. Every implementation passes the shared conformance suite.
 */
export interface QualityRollups {
  /**
   * Adds each cell's value to the counter of (`day`, `userId`, agent, outcome, metric). `userId` undefined: a
   * server-wide counter, read only when no user is asked for. Cells with a value of 0 change nothing.
   */
  add(day: string, userId: string | undefined, cells: readonly RollupCell[]): Promise<void>;
  /** The days of the query that have counters, oldest first. */
  read(query: RollupQuery): Promise<RollupDay[]>;
  /** Drops every day before `beforeDay`; returns how many days went. */
  prune(beforeDay: string): Promise<number>;
  /** Releases resources (idempotent). */
  close(): Promise<void>;
}

/** A UTC day in ms (the days of rollups and check scores have no leap seconds). */
export const DAY_MS = 86_400_000;

/** The UTC day of an epoch-ms time, `YYYY-MM-DD`. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The epoch ms of the start of a UTC day `YYYY-MM-DD`. */
export function startOfDay(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** The epoch ms at which a UTC day `YYYY-MM-DD` has ended (the start of the next): ranges of days end before it. */
export function endOfDay(day: string): number {
  return startOfDay(day) + DAY_MS;
}

/** `day` moved by `days` (negative: back). */
export function addDays(day: string, days: number): string {
  return dayOf(startOfDay(day) + days * DAY_MS);
}

/** Whether `day` is a real `YYYY-MM-DD` UTC day. */
export function isDay(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && dayOf(startOfDay(day) || 0) === day;
}

/** Sums cells with the same agent, outcome and metric; drops zeros; sorts (the order `read` promises). */
export function mergeCells(cells: Iterable<RollupCell>): RollupCell[] {
  const sums = new Map<string, { agent: string; outcome: string; metric: string; value: number }>();
  for (const cell of cells) {
    const key = cellKey(cell);
    const sum = sums.get(key);
    if (sum === undefined) sums.set(key, { ...cell });
    else sum.value += cell.value;
  }
  return [...sums.values()].filter((c) => c.value !== 0).sort(cellOrder);
}

/** A cell's identity as one string (fields joined with the unit separator, which names never hold). */
export function cellKey(cell: Pick<RollupCell, 'agent' | 'outcome' | 'metric'>): string {
  return `${cell.agent}\u001f${cell.outcome}\u001f${cell.metric}`;
}

/** The inverse of `cellKey`. */
export function parseCellKey(key: string, value: number): RollupCell {
  const [agent = '', outcome = '', metric = ''] = key.split('\u001f');
  return { agent, outcome, metric, value };
}

/** Cells by agent, then outcome, then metric: the order of their keys, since the separator sorts before any name. */
function cellOrder(a: RollupCell, b: RollupCell): number {
  const x = cellKey(a);
  const y = cellKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
