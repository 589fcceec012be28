import type { Clock } from '../clock.js';
import { DEFAULTS } from '../config/defaults.js';

/** Options of the execution tracker, compiled: every duration in milliseconds. */
export interface TrackerOptions {
  readonly clock: Clock;
  /** The node that executes runs created here. */
  readonly nodeId: string;
  /** A running run with no heartbeat for this long becomes `dead`. @default 30_000 */
  readonly heartbeatTimeoutMs: number;
  /** Default per-run deadline, measured from start. @default 900_000 (15 min) */
  readonly defaultRunTimeoutMs: number;
  /** How often the sweeper looks for dead and overdue runs. @default 1_000 */
  readonly sweepIntervalMs: number;
  /** How many finished records are kept in memory, oldest evicted first. @default 10_000 */
  readonly maxFinishedRecords: number;
  /** How long a finished record is kept in memory. @default 3_600_000 (1 h) */
  readonly finishedRecordTtlMs: number;
}

export const DEFAULT_TRACKER_OPTIONS = {
  heartbeatTimeoutMs: DEFAULTS.runHeartbeatTimeoutMs,
  defaultRunTimeoutMs: DEFAULTS.runTimeoutMs,
  sweepIntervalMs: DEFAULTS.sweepIntervalMs,
  maxFinishedRecords: DEFAULTS.maxFinishedRecords,
  finishedRecordTtlMs: DEFAULTS.finishedRecordTtlMs,
} as const;
