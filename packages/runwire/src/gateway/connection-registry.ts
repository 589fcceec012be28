import type { Logger } from '../logger.js';
import type { RunEvent } from '../protocol/run-events.js';
import type { Bus, Subscription } from '../stores/bus.js';
import type { ClientConnection } from './client-connection.js';

interface UserEntry {
  readonly connections: Set<ClientConnection>;
  /** The bus subscription of this user on this node (shared by all its connections). */
  subscription: Promise<Subscription> | undefined;
}

/**
 * The open connections of this node, by user. The first connection of a user subscribes this node to the user's
 * events on the bus; the last one to leave unsubscribes. Each event goes to every connection of its user and to no
 * one else.
 */
export class ConnectionRegistry {
  readonly #users = new Map<string, UserEntry>();
  readonly #bus: Bus;
  readonly #logger: Logger;
  readonly #offReconnect: () => void;

  constructor(bus: Bus, logger: Logger) {
    this.#bus = bus;
    this.#logger = logger;
    // After a bus outage publishes may have been lost: every connection re-reads the log after its cursor.
    this.#offReconnect = bus.onReconnect(() => {
      for (const entry of this.#users.values())
        for (const c of entry.connections) void c.stream.catchUp().catch(() => undefined);
    });
  }

  /** Number of open connections. */
  get size(): number {
    let n = 0;
    for (const entry of this.#users.values()) n += entry.connections.size;
    return n;
  }

  /** Adds a connection; resolves once this node receives the user's events. */
  async add(connection: ClientConnection): Promise<void> {
    let entry = this.#users.get(connection.userId);
    if (entry === undefined) {
      entry = { connections: new Set(), subscription: undefined };
      this.#users.set(connection.userId, entry);
    }
    entry.connections.add(connection);
    if (entry.subscription === undefined) {
      const userId = connection.userId;
      const subscribing = this.#bus.subscribe(userId, (event) => this.#deliver(userId, event));
      entry.subscription = subscribing;
      subscribing.catch((error: unknown) => {
        this.#logger.error({ err: error, userId }, 'bus subscribe failed');
        if (entry !== undefined && entry.subscription === subscribing) entry.subscription = undefined;
      });
    }
    await entry.subscription;
  }

  /** Removes a connection; unsubscribes the user when it was the last one. */
  remove(connection: ClientConnection): void {
    const entry = this.#users.get(connection.userId);
    if (entry === undefined || !entry.connections.delete(connection)) return;
    if (entry.connections.size > 0) return;
    this.#users.delete(connection.userId);
    entry.subscription
      ?.then((s) => s.unsubscribe())
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'bus unsubscribe failed'));
  }

  /** Every open connection. */
  all(): ClientConnection[] {
    const out: ClientConnection[] = [];
    for (const entry of this.#users.values()) out.push(...entry.connections);
    return out;
  }

  close(): void {
    this.#offReconnect();
  }

  #deliver(userId: string, event: RunEvent): void {
    // The bus is keyed by user; the check guards against a bus that delivers to the wrong key.
    if (event.userId !== userId) return;
    const entry = this.#users.get(userId);
    if (entry === undefined) return;
    for (const connection of entry.connections) connection.stream.onLive(event);
  }
}
