import type { Stores, StoresEnv } from '../stores.js';
import { InProcessBus } from './in-process-bus.js';
import { MemoryCheckHistory } from './memory-check-history.js';
import { MemoryEventLog } from './memory-event-log.js';
import { MemoryQualityRollups } from './memory-quality-rollups.js';
import { MemoryRunStore } from './memory-run-store.js';
import { MemoryThreadStore } from './memory-thread-store.js';

/** Memory stores and an in-process bus: for tests and `--store memory`. Everything is lost on exit. */
export function memoryStores(env: Pick<StoresEnv, 'clock' | 'retention'>): Stores {
  return {
    runs: new MemoryRunStore(),
    events: new MemoryEventLog(env.clock, env.retention),
    bus: new InProcessBus(),
    rollups: new MemoryQualityRollups(),
    checks: new MemoryCheckHistory(),
    threads: new MemoryThreadStore(),
  };
}
