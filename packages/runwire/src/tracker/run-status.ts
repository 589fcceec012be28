/**
 * The states of a run. One table says which changes are legal; terminal states are final.
 */
export type RunStatus =
  /** Accepted and waiting: for its thread, for the user's concurrency cap, or to be dispatched. */
  | 'pending'
  /** Dispatched; the agent task is being set up. */
  | 'starting'
  /** The agent is working and heartbeating. */
  | 'running'
  /** The agent returned; its final response is being recorded. */
  | 'completing'
  /** Finished with a final response. */
  | 'completed'
  /** The agent threw or a tool failure ended it. */
  | 'failed'
  /** It overran its deadline. */
  | 'timeout'
  /** It stopped heartbeating (hung, or its node died). */
  | 'dead'
  /** Stopped by the user, by a newer run on its thread, or by shutdown. */
  | 'cancelled';

export const RUN_STATUSES: readonly RunStatus[] = [
  'pending',
  'starting',
  'running',
  'completing',
  'completed',
  'failed',
  'timeout',
  'dead',
  'cancelled',
];

export type TerminalStatus = 'completed' | 'failed' | 'timeout' | 'dead' | 'cancelled';
export type ActiveStatus = Exclude<RunStatus, TerminalStatus>;

const ENDINGS = ['failed', 'timeout', 'dead', 'cancelled'] as const;

/** The transition table (docs/protocol.md §3): the happy path, and from any non-terminal state to an ending. */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = Object.freeze({
  pending: ['starting', ...ENDINGS],
  starting: ['running', ...ENDINGS],
  running: ['completing', ...ENDINGS],
  completing: ['completed', ...ENDINGS],
  completed: [],
  failed: [],
  timeout: [],
  dead: [],
  cancelled: [],
});

export function isTerminal(status: RunStatus): status is TerminalStatus {
  return RUN_TRANSITIONS[status].length === 0;
}

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** Why a run was cancelled (`agent_cancelled.reason`). */
export type CancelReason = 'user' | 'interrupted' | 'shutdown';
