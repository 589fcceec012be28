import { MemoryCheckHistory } from '../../src/stores/memory/memory-check-history.js';
import { MemoryEventLog } from '../../src/stores/memory/memory-event-log.js';
import { MemoryQualityRollups } from '../../src/stores/memory/memory-quality-rollups.js';
import { MemoryRunStore } from '../../src/stores/memory/memory-run-store.js';
import { MemoryThreadStore } from '../../src/stores/memory/memory-thread-store.js';
import { checkHistoryConformance } from '../conformance/check-history.suite.js';
import { eventLogConformance } from '../conformance/event-log.suite.js';
import { qualityRollupsConformance } from '../conformance/quality-rollups.suite.js';
import { runStoreConformance } from '../conformance/run-store.suite.js';
import { threadStoreConformance } from '../conformance/thread-store.suite.js';

runStoreConformance('memory', async () => {
  const store = new MemoryRunStore();
  return { store, cleanup: () => store.close() };
});

eventLogConformance('memory', async ({ clock, retention }) => {
  const log = new MemoryEventLog(clock, retention);
  return { log, cleanup: () => log.close() };
});

qualityRollupsConformance('memory', async () => {
  const store = new MemoryQualityRollups();
  return { store, cleanup: () => store.close() };
});

checkHistoryConformance('memory', async () => {
  const store = new MemoryCheckHistory();
  return { store, cleanup: () => store.close() };
});

threadStoreConformance('memory', async () => {
  const store = new MemoryThreadStore();
  return { store, cleanup: () => store.close() };
});
