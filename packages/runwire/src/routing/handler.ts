import type { UserExecutionContext } from '../context/user-execution-context.js';
import type { InboundFrame, InboundFrameType } from '../protocol/inbound-frames.js';
import type { QualityAlertFrame } from '../protocol/quality-frames.js';
import type { ReplyFrame } from '../protocol/server-frames.js';

/** What the connection that a frame came on can do for a handler (resume its stream, push alerts, end with it). */
export interface SessionControl {
  /**
   * Restarts this connection's event stream after `after`: replays retained events, sends `resumed` (or
   * `resync_required`), then continues live.
   */
  resume(after: number, requestId: string | undefined): Promise<void>;
  /** Sends a frame that answers no request and has no `seq` (`quality_alert`); `false` when it was not sent. */
  push(frame: QualityAlertFrame): boolean;
  /** Calls `listener` once when the connection closes (at once if it already has): what lives as long as it. */
  onClose(listener: () => void): void;
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
