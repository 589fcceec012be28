/**
 * Names kept for code that migrates from systems with several routers. Each is the very same class as
 * `MessageRouter` (`===`), not a subclass: there is one router.
 */
export {
  MessageRouter as CanonicalMessageRouter,
  MessageRouter,
  MessageRouter as QualityMessageRouter,
} from './routing/message-router.js';
