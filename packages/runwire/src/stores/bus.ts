import type { RunEvent } from '../protocol/run-events.js';
import type { CancelReason } from '../tracker/run-status.js';

/** A message from one node to another (not a user event). */
export type ControlMessage = {
  readonly type: 'cancel';
  readonly runId: string;
  readonly userId: string;
  readonly reason: CancelReason;
};

export interface Subscription {
  /** Stops delivery (idempotent). */
  unsubscribe(): Promise<void>;
}

/** Health of a bus, for readiness. */
export interface BusHealth {
  readonly ok: boolean;
  readonly detail?: string;
}

/**
 * Delivers a user's run events to every node that holds a connection of that user, and control messages to one
 * node. Delivery may be lost in a fault; receivers recover from the `EventLog` by `seq`, so the bus never has to be
 * durable.
 */
export interface Bus {
  /** Publishes an already-logged event to the nodes holding its user's connections. */
  publish(event: RunEvent): Promise<void>;
  /** Receives the events of one user. */
  subscribe(userId: string, listener: (event: RunEvent) => void): Promise<Subscription>;
  /** Sends a control message to one node. */
  publishControl(nodeId: string, message: ControlMessage): Promise<void>;
  /** Receives control messages addressed to this node. */
  subscribeControl(nodeId: string, listener: (message: ControlMessage) => void): Promise<Subscription>;
  /** Called after the bus reconnects (subscriptions restored, messages may have been lost). */
  onReconnect(listener: () => void): () => void;
  health(): BusHealth;
  close(): Promise<void>;
}
