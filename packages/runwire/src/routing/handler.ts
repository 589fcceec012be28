import type { UserExecutionContext } from '../context/user-execution-context.js';
import type { InboundFrame, InboundFrameType } from '../protocol/inbound-frames.js';
import type { ReplyFrame } from '../protocol/server-frames.js';

/** What the connection that a frame came on can do for a handler (resume its stream). */
export interface SessionControl {
  /**
   * Restarts this connection's event stream after `after`: replays retained events, sends `resumed` (or
   * `resync_required`), then continues live.
   */
  resume(after: number, requestId: string | undefined): Promise<void>;
}

/** The caller of one frame: its authenticated context (never stored by handlers) and its connection. */
export interface HandlerCall {
  readonly context: UserExecutionContext;
  readonly session: SessionControl;
}

/** Handles one validated frame; returns the direct reply, or `undefined` when the handler sent its own replies. */
export type FrameHandler<T extends InboundFrameType> = (
  frame: InboundFrame<T>,
  call: HandlerCall,
) => Promise<ReplyFrame | undefined> | ReplyFrame | undefined;
