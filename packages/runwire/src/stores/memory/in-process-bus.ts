import type { RunEvent } from '../../protocol/run-events.js';
import type { Bus, BusHealth, ControlMessage, Subscription } from '../bus.js';

/** A `Bus` inside one process: a single node (memory and SQLite stores). */
export class InProcessBus implements Bus {
  readonly #users = new Map<string, Set<(event: RunEvent) => void>>();
  readonly #nodes = new Map<string, Set<(message: ControlMessage) => void>>();

  async publish(event: RunEvent): Promise<void> {
    for (const listener of [...(this.#users.get(event.userId) ?? [])]) listener(event);
  }

  async subscribe(userId: string, listener: (event: RunEvent) => void): Promise<Subscription> {
    return add(this.#users, userId, listener);
  }

  async publishControl(nodeId: string, message: ControlMessage): Promise<void> {
    for (const listener of [...(this.#nodes.get(nodeId) ?? [])]) listener(message);
  }

  async subscribeControl(nodeId: string, listener: (message: ControlMessage) => void): Promise<Subscription> {
    return add(this.#nodes, nodeId, listener);
  }

  onReconnect(): () => void {
    return () => {};
  }

  health(): BusHealth {
    return { ok: true };
  }

  async close(): Promise<void> {
    this.#users.clear();
    this.#nodes.clear();
  }
}

function add<T>(map: Map<string, Set<T>>, key: string, listener: T): Subscription {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(listener);
  return {
    async unsubscribe() {
      const current = map.get(key);
      current?.delete(listener);
      if (current?.size === 0) map.delete(key);
    },
  };
}
