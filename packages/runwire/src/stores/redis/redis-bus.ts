import type { Redis } from 'ioredis';
import type { RunEvent } from '../../protocol/run-events.js';
import type { Bus, BusHealth, ControlMessage, Subscription } from '../bus.js';
import type { PubSubMode } from './pubsub-mode.js';
import type { RedisConnection } from './redis-connection.js';

/** Options of a `RedisBus`. */
export interface RedisBusOptions {
  readonly connection: RedisConnection;
  /**
   * The event log publishes every event from its append script (`RedisEventLog` with `publish: true`), so `publish`
   * has nothing left to do: publishing again would deliver each event twice. @default false
   */
  readonly deliveredByLog?: boolean;
  /** Called when a listener throws or a message cannot be parsed (the bus goes on). */
  readonly onError?: (error: unknown) => void;
}

interface Channel {
  readonly listeners: Set<(payload: unknown) => void>;
  /** Whether the server has the subscription (as far as this process knows). */
  subscribed: boolean;
  /** Subscribe/unsubscribe commands of this channel, one after the other. */
  queue: Promise<void>;
}

/**
 * A `Bus` on Redis pub/sub. Each user has a channel (`P:u:{userId}`), each node a control channel (`P:n:{nodeId}`).
 * A node subscribes to a user's channel while it holds at least one listener of that user (the user's first
 * connection) and unsubscribes after the last, so a node only receives the events of its own users. Sharded pub/sub
 * (SSUBSCRIBE/SPUBLISH) is used when the server supports it, classic pub/sub otherwise.
 *
 * After a lost connection the bus resubscribes every channel itself, then calls the `onReconnect` listeners:
 * messages published meanwhile are lost, and connections re-read them from the log by `seq`. Messages that arrive
 * while it resubscribes are held and delivered after those listeners ran, so a listener sees the reconnect before
 * any message from the server it reconnected to (which may be a restarted one that lost its data).
 */
export class RedisBus implements Bus {
  readonly #connection: RedisConnection;
  readonly #subscriber: Redis;
  readonly #deliveredByLog: boolean;
  readonly #onError: (error: unknown) => void;
  readonly #channels = new Map<string, Channel>();
  readonly #reconnectListeners = new Set<() => void>();
  /** Whether the subscriber connection has been ready once (a drop before that is not a reconnect). */
  #wasReady: boolean;
  /** Set when the subscriber connection drops after having been ready; cleared once resubscribed. */
  #interrupted = false;
  /** Messages received while `#interrupted`: delivered after the reconnect listeners. */
  #backlog: Array<[channel: string, text: string]> = [];
  #closed = false;

  constructor(options: RedisBusOptions) {
    this.#connection = options.connection.retain();
    this.#subscriber = options.connection.subscriber();
    this.#deliveredByLog = options.deliveredByLog ?? false;
    this.#onError = options.onError ?? (() => undefined);
    this.#wasReady = this.#subscriber.status === 'ready';
    this.#subscriber.on('message', this.#onMessage);
    this.#subscriber.on('smessage', this.#onMessage);
    this.#subscriber.on('close', this.#onClose);
    this.#subscriber.on('ready', this.#onReady);
  }

  async publish(event: RunEvent): Promise<void> {
    if (this.#deliveredByLog) return;
    await this.#send(this.#connection.keys.userChannel(event.userId), JSON.stringify(event));
  }

  subscribe(userId: string, listener: (event: RunEvent) => void): Promise<Subscription> {
    return this.#listen(this.#connection.keys.userChannel(userId), listener as (payload: unknown) => void);
  }

  async publishControl(nodeId: string, message: ControlMessage): Promise<void> {
    await this.#send(this.#connection.keys.nodeChannel(nodeId), JSON.stringify(message));
  }

  subscribeControl(nodeId: string, listener: (message: ControlMessage) => void): Promise<Subscription> {
    return this.#listen(this.#connection.keys.nodeChannel(nodeId), listener as (payload: unknown) => void);
  }

  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  health(): BusHealth {
    const subscriber = this.#subscriber.status;
    const writes = this.#connection.writes.status;
    if (subscriber === 'ready' && writes === 'ready' && !this.#interrupted) return { ok: true };
    return { ok: false, detail: `Redis connections not ready (subscriber: ${subscriber}, publisher: ${writes})` };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscriber.off('message', this.#onMessage);
    this.#subscriber.off('smessage', this.#onMessage);
    this.#subscriber.off('close', this.#onClose);
    this.#subscriber.off('ready', this.#onReady);
    this.#reconnectListeners.clear();
    this.#channels.clear();
    this.#backlog = [];
    await this.#connection.release();
  }

  async #send(channel: string, payload: string): Promise<void> {
    const mode = await this.#connection.pubSubMode();
    if (mode === 'sharded') await this.#connection.writes.spublish(channel, payload);
    else await this.#connection.writes.publish(channel, payload);
  }

  async #listen(name: string, listener: (payload: unknown) => void): Promise<Subscription> {
    let channel = this.#channels.get(name);
    if (channel === undefined) {
      channel = { listeners: new Set(), subscribed: false, queue: Promise.resolve() };
      this.#channels.set(name, channel);
    }
    channel.listeners.add(listener);
    try {
      await this.#sync(name, channel);
    } catch (error) {
      channel.listeners.delete(listener);
      await this.#sync(name, channel).catch(() => undefined);
      throw error;
    }
    let active = true;
    return {
      unsubscribe: async () => {
        if (!active) return;
        active = false;
        channel.listeners.delete(listener);
        await this.#sync(name, channel);
      },
    };
  }

  /** Brings the server's subscription of one channel in line with whether it has listeners. */
  #sync(name: string, channel: Channel): Promise<void> {
    const step = channel.queue.then(async () => {
      if (this.#closed) return;
      const wanted = channel.listeners.size > 0;
      if (wanted && !channel.subscribed) {
        await this.#command(name, 'subscribe');
        channel.subscribed = true;
      } else if (!wanted && channel.subscribed) {
        await this.#command(name, 'unsubscribe');
        channel.subscribed = false;
      }
      if (channel.listeners.size === 0 && !channel.subscribed && this.#channels.get(name) === channel) {
        this.#channels.delete(name);
      }
    });
    channel.queue = step.catch(() => undefined);
    return step;
  }

  async #command(name: string, action: 'subscribe' | 'unsubscribe'): Promise<void> {
    const mode: PubSubMode = await this.#connection.pubSubMode();
    const subscriber = this.#subscriber;
    await this.#subscriberReady();
    if (action === 'subscribe') await (mode === 'sharded' ? subscriber.ssubscribe(name) : subscriber.subscribe(name));
    else await (mode === 'sharded' ? subscriber.sunsubscribe(name) : subscriber.unsubscribe(name));
  }

  /**
   * Waits until the subscriber connection is ready. A (S)SUBSCRIBE queued while it connects can go out before
   * ioredis's own set-up commands (CLIENT SETNAME, the INFO ready check), which the server then refuses in
   * subscriber mode: the connection drops and, seen only under load, the subscription is silently lost.
   */
  async #subscriberReady(): Promise<void> {
    const subscriber = this.#subscriber;
    if (subscriber.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const onReady = (): void => {
        subscriber.off('end', onEnd);
        resolve();
      };
      const onEnd = (): void => {
        subscriber.off('ready', onReady);
        reject(new Error('The Redis subscriber connection ended before it was ready'));
      };
      subscriber.once('ready', onReady);
      subscriber.once('end', onEnd);
    });
  }

  readonly #onMessage = (name: string, text: string): void => {
    if (this.#interrupted) this.#backlog.push([name, text]);
    else this.#dispatch(name, text);
  };

  #dispatch(name: string, text: string): void {
    const channel = this.#channels.get(name);
    if (channel === undefined || channel.listeners.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (error) {
      this.#onError(error);
      return;
    }
    for (const listener of [...channel.listeners]) {
      try {
        listener(payload);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  readonly #onClose = (): void => {
    if (this.#wasReady && !this.#closed) this.#interrupted = true;
  };

  readonly #onReady = (): void => {
    this.#wasReady = true;
    if (!this.#interrupted || this.#closed) return;
    void this.#resubscribe();
  };

  async #resubscribe(): Promise<void> {
    try {
      const names = [...this.#channels].filter(([, c]) => c.listeners.size > 0).map(([name]) => name);
      await Promise.all(names.map((name) => this.#command(name, 'subscribe')));
      for (const [name, channel] of this.#channels) if (names.includes(name)) channel.subscribed = true;
    } catch (error) {
      // The connection dropped again; the next 'ready' retries.
      this.#onError(error);
      return;
    }
    if (this.#subscriber.status !== 'ready' || this.#closed) return;
    this.#interrupted = false;
    for (const listener of [...this.#reconnectListeners]) {
      try {
        listener();
      } catch (error) {
        this.#onError(error);
      }
    }
    const backlog = this.#backlog;
    this.#backlog = [];
    for (const [name, text] of backlog) this.#dispatch(name, text);
  }
}
