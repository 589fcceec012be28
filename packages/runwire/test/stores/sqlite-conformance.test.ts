import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckHistory } from '../../src/stores/check-history.js';
import type { EventLog } from '../../src/stores/event-log.js';
import type { QualityRollups } from '../../src/stores/quality-rollups.js';
import type { RunStore } from '../../src/stores/run-store.js';
import { SqliteCheckHistory } from '../../src/stores/sqlite/sqlite-check-history.js';
import { SqliteDatabase } from '../../src/stores/sqlite/sqlite-database.js';
import { SqliteEventLog } from '../../src/stores/sqlite/sqlite-event-log.js';
import { SqliteQualityRollups } from '../../src/stores/sqlite/sqlite-quality-rollups.js';
import { SqliteRunStore } from '../../src/stores/sqlite/sqlite-run-store.js';
import { SqliteThreadStore } from '../../src/stores/sqlite/sqlite-thread-store.js';
import type { ThreadStore } from '../../src/stores/thread-store.js';
import { checkHistoryConformance } from '../conformance/check-history.suite.js';
import { eventLogConformance } from '../conformance/event-log.suite.js';
import { qualityRollupsConformance } from '../conformance/quality-rollups.suite.js';
import { runStoreConformance } from '../conformance/run-store.suite.js';
import { threadStoreConformance } from '../conformance/thread-store.suite.js';

/** A database file in a fresh temporary directory; `remove()` deletes the directory. */
function tempDatabaseFile(): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'runwire-sqlite-'));
  return { file: join(dir, 'runwire.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

runStoreConformance('sqlite', async () => {
  const temp = tempDatabaseFile();
  let store: RunStore = new SqliteRunStore(SqliteDatabase.open({ file: temp.file }));
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = new SqliteRunStore(SqliteDatabase.open({ file: temp.file }));
      return store;
    },
    async cleanup() {
      await store.close();
      temp.remove();
    },
  };
});

eventLogConformance('sqlite', async ({ clock, retention }) => {
  const temp = tempDatabaseFile();
  let log: EventLog = new SqliteEventLog(SqliteDatabase.open({ file: temp.file }), clock, retention);
  return {
    get log() {
      return log;
    },
    async reopen() {
      await log.close();
      log = new SqliteEventLog(SqliteDatabase.open({ file: temp.file }), clock, retention);
      return log;
    },
    async cleanup() {
      await log.close();
      temp.remove();
    },
  };
});

qualityRollupsConformance('sqlite', async () => {
  const temp = tempDatabaseFile();
  let store: QualityRollups = new SqliteQualityRollups(SqliteDatabase.open({ file: temp.file }));
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = new SqliteQualityRollups(SqliteDatabase.open({ file: temp.file }));
      return store;
    },
    async cleanup() {
      await store.close();
      temp.remove();
    },
  };
});

checkHistoryConformance('sqlite', async () => {
  const temp = tempDatabaseFile();
  let store: CheckHistory = new SqliteCheckHistory(SqliteDatabase.open({ file: temp.file }));
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = new SqliteCheckHistory(SqliteDatabase.open({ file: temp.file }));
      return store;
    },
    async cleanup() {
      await store.close();
      temp.remove();
    },
  };
});

threadStoreConformance('sqlite', async () => {
  const temp = tempDatabaseFile();
  let store: ThreadStore = new SqliteThreadStore(SqliteDatabase.open({ file: temp.file }));
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = new SqliteThreadStore(SqliteDatabase.open({ file: temp.file }));
      return store;
    },
    async cleanup() {
      await store.close();
      temp.remove();
    },
  };
});
