import type { Clock } from '../clock.js';
import { pingFrameSchema, resumeFrameSchema } from '../protocol/inbound-frames.js';
import type { MessageRouter } from './message-router.js';
import { idOf } from './run-handlers.js';

/** Registers `ping` and `resume`. */
export function registerSessionHandlers(router: MessageRouter, clock: Clock): void {
  router.register('ping', pingFrameSchema, (frame) => ({
    type: 'pong',
    ...idOf(frame),
    ts: new Date(clock.now()).toISOString(),
  }));

  router.register('resume', resumeFrameSchema, async (frame, { session }) => {
    await session.resume(frame.after, frame.id);
    return undefined;
  });
}
