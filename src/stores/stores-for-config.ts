import type { ServerConfig } from '../config.js';
import { memoryStores, type RuntimeOptions } from '../runtime.js';

type StoresFactory = NonNullable<RuntimeOptions['stores']>;

/** The stores the configuration names: memory, SQLite (`--db`) or Redis (`--redis`). */
export async function storesFor(config: ServerConfig): Promise<StoresFactory> {
  switch (config.store) {
    case 'memory':
      return memoryStores;
    case 'sqlite':
    case 'redis':
      throw new Error(`store '${config.store}' is not wired yet`);
  }
}
