/**
 * The wire types the client speaks, taken from the server's own protocol definitions (the zod schemas in
 * `runwire/src/protocol/`). These are type-only imports: they vanish at build, so the client ships no server code.
 * The thread frames (`list_threads`, `get_thread`) are not in the server's schemas yet (PROTOCOL.md §9); they are
 * typed here from the specification until the server exports them.
 */
import type {
  AckFrame,
  ConnectionEstablishedFrame,
  ErrorFrame,
  InboundFrame,
  PongFrame,
  ResumedFrame,
  ResyncRequiredFrame,
  RunEvent,
  RunFrame,
  RunSnapshotFrame,
  RunsFrame,
} from 'runwire';

export type {
  AckFrame,
  ConnectionEstablishedFrame,
  ErrorFrame,
  PongFrame,
  ResumedFrame,
  ResyncRequiredFrame,
  RunEvent,
  RunFrame,
  RunSnapshotFrame,
  RunsFrame,
};

/** A run event of one type. */
export type RunEventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

/** The run states a snapshot can carry. */
export type RunStatus = RunSnapshotFrame['status'];

/** One thread in `threads` (PROTOCOL.md §9). */
export interface ThreadSummary {
  threadId: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  lastRunId: string;
}

/** One message of a thread (PROTOCOL.md §9). */
export interface ThreadMessage {
  /** `tool`: `content` is the JSON of `{parameters, result}` or `{parameters, error}`. */
  role: 'user' | 'assistant' | 'tool';
  content: string;
  runId: string;
  toolCallId?: string;
  toolName?: string;
  createdAt: string;
}

export interface ListThreadsFrame {
  type: 'list_threads';
  id?: string;
  limit?: number;
  before?: string;
}
export interface GetThreadFrame {
  type: 'get_thread';
  id?: string;
  threadId: string;
  limit?: number;
  /** The `next` of the previous page: messages come oldest first. */
  after?: string;
}
export interface ThreadsFrame {
  type: 'threads';
  id?: string;
  threads: ThreadSummary[];
  next?: string;
}
export interface ThreadFrame {
  type: 'thread';
  id?: string;
  threadId: string;
  messages: ThreadMessage[];
  next?: string;
}

/** Every frame the client sends. */
export type ClientFrame = InboundFrame | ListThreadsFrame | GetThreadFrame;

/** Every frame the client may receive. */
export type ServerFrame =
  | RunEvent
  | ConnectionEstablishedFrame
  | AckFrame
  | ErrorFrame
  | RunFrame
  | RunsFrame
  | PongFrame
  | ResumedFrame
  | ResyncRequiredFrame
  | ThreadsFrame
  | ThreadFrame;

/** A direct reply to a request, matched by its `id`. */
export type Reply = Exclude<ServerFrame, RunEvent | ConnectionEstablishedFrame>;

/** The query of `list_runs`. */
export type ListRunsQuery = Omit<InboundFrame<'list_runs'>, 'type' | 'id'>;

/** Whether a frame is a run event (only run events carry `seq`). */
export function isRunEvent(frame: ServerFrame): frame is RunEvent {
  return 'seq' in frame && typeof frame.seq === 'number';
}

/** Whether a run event ends its run. */
export function isTerminal(
  event: RunEvent,
): event is RunEventOf<'agent_completed' | 'agent_error' | 'agent_cancelled'> {
  return event.type === 'agent_completed' || event.type === 'agent_error' || event.type === 'agent_cancelled';
}
