import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { handlerFaultLogger } from '../rate-limited-log.js';
import { MessageRouter } from '../routing/message-router.js';
import { registerRunHandlers } from '../routing/run-handlers.js';
import { registerSessionHandlers } from '../routing/session-handlers.js';
import { registerThreadHandlers } from '../routing/thread-handlers.js';
import type { RunService } from '../runs/run-service.js';
import type { ThreadHistory } from '../runs/thread-history.js';

/** The one `MessageRouter` of a runtime, with every frame type's handler registered. */
export function buildRouter(
  parts: { readonly runs: RunService; readonly history: ThreadHistory; readonly defaultAgent: string },
  clock: Clock,
  logger: Logger,
): MessageRouter {
  const router = new MessageRouter();
  registerRunHandlers(router, parts.runs, parts.defaultAgent);
  registerThreadHandlers(router, parts.history);
  registerSessionHandlers(router, clock);
  router.onInternalError(handlerFaultLogger(logger, clock));
  return router;
}
