import type { RunEvent, UnsequencedRunEvent } from '../protocol/run-events.js';

/**
 * How event logs keep an event: its JSON text without `seq` (the seq is the log's key, stored beside it). Reading
 * always yields a fresh object, so callers can never change what the log holds.
 */
export function encodeStoredEvent(event: UnsequencedRunEvent): string {
  return JSON.stringify(event);
}

/** The event stored as `body` under `seq`. */
export function decodeStoredEvent(body: string, seq: number): RunEvent {
  const event = JSON.parse(body) as RunEvent;
  event.seq = seq;
  return event;
}
