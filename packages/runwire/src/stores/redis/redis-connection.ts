import { Redis, type RedisOptions } from 'ioredis';
import { systemClock, within } from '../../clock.js';
import { detectPubSubMode, type PubSubMode, type PubSubPreference } from './pubsub-mode.js';
import { RedisKeys } from './redis-keys.js';
import { type ScriptedRedis, withRunwireScripts } from './redis-scripts.js';

/** Options of a `RedisConnection`. */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. */
  readonly url: string;
  /** Prefix of every key and channel. @default 'runwire:' */
  readonly prefix?: string;
  /** @default 'auto' (sharded pub/sub when the server supports it) */
  readonly pubsub?: PubSubPreference;
  /** Client name shown by `CLIENT LIST`. @default 'runwire' */
  readonly name?: string;
  /** Extra ioredis options (tests use them to shorten reconnect delays). */
  readonly redisOptions?: Omit<RedisOptions, 'maxRetriesPerRequest' | 'enableOfflineQueue' | 'autoResubscribe'>;
}

/**
 * One node's connections to Redis, shared by its run store, event log and bus:
 * - `writes` never gives up: while Redis is away, commands wait in order and go out on reconnect, so no append or
 *   record write is lost (a resent append is recognised by the log script and not applied twice);
 * - `reads` fails fast (after one reconnect attempt), so requests that only read answer with an error instead of
 *   hanging while Redis is away;
 * - `subscriber()` is the pub/sub connection of the bus, made on first use.
 *
 * The parts that use it `retain()` it and `release()` it when they close; the last release closes the clients.
 */
export class RedisConnection {
  readonly keys: RedisKeys;
  readonly writes: ScriptedRedis;
  readonly reads: ScriptedRedis;
  readonly #options: RedisConnectionOptions;
  #subscriber: Redis | undefined;
  #mode: Promise<PubSubMode> | undefined;
  #knownMode: PubSubMode | undefined;
  #users = 0;
  #closed: Promise<void> | undefined;

  constructor(options: RedisConnectionOptions) {
    this.#options = options;
    this.keys = new RedisKeys(options.prefix);
    const name = options.name ?? 'runwire';
    this.writes = withRunwireScripts(
      this.#client({ connectionName: `${name}:writes`, maxRetriesPerRequest: null, enableOfflineQueue: true }),
    );
    this.reads = withRunwireScripts(
      this.#client({ connectionName: `${name}:reads`, maxRetriesPerRequest: 1, enableOfflineQueue: true }),
    );
  }

  /** The pub/sub connection (resubscription after a reconnect is the bus's job, so it knows when it is done). */
  subscriber(): Redis {
    this.#subscriber ??= this.#client({
      connectionName: `${this.#options.name ?? 'runwire'}:subscriber`,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      autoResubscribe: false,
    });
    return this.#subscriber;
  }

  /** Sharded or classic pub/sub, detected once (or as configured). */
  pubSubMode(): Promise<PubSubMode> {
    if (this.#mode === undefined) {
      const preference = this.#options.pubsub ?? 'auto';
      this.#mode = preference === 'auto' ? detectPubSubMode(this.writes) : Promise.resolve(preference);
      // Awaited by every user; the catch only keeps a failed detection from being reported as unhandled.
      this.#mode.then(
        (mode) => {
          this.#knownMode = mode;
        },
        () => undefined,
      );
    }
    return this.#mode;
  }

  /** The pub/sub mode when already known without asking the server: configured, or detected earlier. */
  get knownPubSubMode(): PubSubMode | undefined {
    const preference = this.#options.pubsub ?? 'auto';
    return preference === 'auto' ? this.#knownMode : preference;
  }

  /** True when Redis answers a PING within `timeoutMs`. Never waits for a reconnect. */
  async ping(timeoutMs = 1_000): Promise<boolean> {
    if (this.reads.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.reads.ping().then((reply) => reply === 'PONG'), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Counts one more part using the connection. */
  retain(): this {
    this.#users++;
    return this;
  }

  /** One part stopped using the connection; the last one closes the clients. */
  async release(): Promise<void> {
    this.#users = Math.max(0, this.#users - 1);
    if (this.#users === 0) await this.close();
  }

  /** Closes every client (idempotent): waits briefly for pending replies, then disconnects. */
  close(): Promise<void> {
    this.#closed ??= Promise.all(
      [this.writes, this.reads, this.#subscriber].filter((c) => c !== undefined).map((c) => closeClient(c)),
    ).then(() => undefined);
    return this.#closed;
  }

  #client(extra: RedisOptions): Redis {
    const client = new Redis(this.#options.url, { ...this.#options.redisOptions, ...extra, lazyConnect: false });
    // Connection errors are reported through status and health(); without a listener ioredis would print each one.
    client.on('error', () => undefined);
    return client;
  }
}

/** Ends a client: lets pending replies arrive (up to 1 s) when connected, then waits until the socket is gone. */
async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', resolve));
  if (client.status === 'ready') await within(systemClock, client.quit(), 1_000);
  client.disconnect();
  // Between reconnect attempts there is no socket to close, so `disconnect` alone would leave the client (and the
  // commands waiting in its queue) hanging; a last connect attempt on a closing client ends it and fails them.
  if (client.status === 'reconnecting' || client.status === 'close') await client.connect().catch(() => undefined);
  await within(systemClock, ended, 2_000);
}
