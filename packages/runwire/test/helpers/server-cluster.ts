import { deleteKeys, randomPrefix } from '../stores/redis-test-server.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

/** `runwire serve --store redis` processes sharing one Redis under one random key prefix, and the same secret. */
export interface ServerCluster {
  readonly nodes: ServerProcess[];
  readonly prefix: string;
  readonly redisUrl: string;
  /** Stops every node still running (SIGTERM, SIGKILL after a timeout) and deletes the cluster's keys. */
  stop(): Promise<void>;
}

/** Starts `count` nodes on loopback (in parallel); `args` are extra flags for every node. */
export async function startServerCluster(options: {
  count: number;
  redisUrl: string;
  args?: readonly string[];
}): Promise<ServerCluster> {
  const prefix = randomPrefix();
  const args = ['--store', 'redis', '--redis', options.redisUrl, '--redis-prefix', prefix, ...(options.args ?? [])];
  const started = await Promise.allSettled(
    Array.from({ length: options.count }, () => startServerProcess({ args, env: { RUNWIRE_LOG_LEVEL: 'warn' } })),
  );
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.stop('SIGTERM', 10_000)));
    await deleteKeys(options.redisUrl, prefix).catch(() => undefined);
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    await stop();
    throw failed.reason;
  }
  return { nodes, prefix, redisUrl: options.redisUrl, stop };
}
