import type { Redis } from 'ioredis';

/**
 * How events travel between nodes: `sharded` uses SSUBSCRIBE/SPUBLISH (Redis 7+: in a cluster a message goes only to
 * the shard that owns the channel's slot instead of to every node), `classic` uses SUBSCRIBE/PUBLISH.
 */
export type PubSubMode = 'sharded' | 'classic';

/** What to use: a fixed mode, or `auto` to use sharded pub/sub when the server knows SPUBLISH. */
export type PubSubPreference = PubSubMode | 'auto';

/** Asks the server whether it supports sharded pub/sub (`COMMAND INFO SPUBLISH` answers `[null]` when not). */
export async function detectPubSubMode(redis: Redis): Promise<PubSubMode> {
  const info = (await redis.call('COMMAND', 'INFO', 'SPUBLISH')) as unknown;
  return Array.isArray(info) && Array.isArray(info[0]) ? 'sharded' : 'classic';
}
