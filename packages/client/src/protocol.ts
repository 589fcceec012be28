/**
 * The wire types the client speaks, taken from the server's own protocol definitions (the zod schemas in
 * `runwire/src/protocol/`). These are type-only imports: they vanish at build, so the client ships no server code.
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
  RunStatus,
  RunsFrame,
  ThreadFrame,
  ThreadsFrame,
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
  RunStatus,
  RunsFrame,
  ThreadFrame,
  ThreadsFrame,
};

/** A run event of one type. */
export type RunEventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

/** One thread in `threads`, as the server's frame types define it. */
export type ThreadSummary = ThreadsFrame['threads'][number];

/** One message of a thread (`tool`: `content` is the JSON of `{parameters, result}` or `{parameters, error}`). */
export type ThreadMessage = ThreadFrame['messages'][number];

/** Every frame the client sends. */
export type ClientFrame = InboundFrame;

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
