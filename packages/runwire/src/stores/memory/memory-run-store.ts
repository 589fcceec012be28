import { copyRunRecord, type RunRecord } from '../../tracker/run-record.js';
import { isTerminal } from '../../tracker/run-status.js';
import {
  decodeRunCursor,
  encodeRunCursor,
  type RunPage,
  type RunQuery,
  type RunStore,
  runListOrder,
} from '../run-store.js';

/** A `RunStore` in process memory: for tests and `--store memory`. Lost on exit. */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, RunRecord>();
  readonly #byUser = new Map<string, Set<string>>();

  /** Inserts or replaces a record, unless the stored one is terminal (then nothing changes). */
  async put(record: RunRecord): Promise<void> {
    const stored = this.#runs.get(record.runId);
    if (stored !== undefined && isTerminal(stored.status)) return;
    this.#runs.set(record.runId, copyRunRecord(record));
    let ids = this.#byUser.get(record.userId);
    if (ids === undefined) {
      ids = new Set();
      this.#byUser.set(record.userId, ids);
    }
    ids.add(record.runId);
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const record = this.#runs.get(runId);
    return record === undefined ? undefined : copyRunRecord(record);
  }

  async list(userId: string, query: RunQuery): Promise<RunPage> {
    const cursor = query.before === undefined ? undefined : decodeRunCursor(query.before);
    const matching: RunRecord[] = [];
    for (const id of this.#byUser.get(userId) ?? []) {
      const record = this.#runs.get(id);
      if (record === undefined) continue;
      if (query.status !== undefined && record.status !== query.status) continue;
      if (query.threadId !== undefined && record.threadId !== query.threadId) continue;
      if (cursor !== undefined && runListOrder(cursor, record) >= 0) continue;
      matching.push(record);
    }
    matching.sort(runListOrder);
    const page = matching.slice(0, query.limit).map(copyRunRecord);
    const last = page[page.length - 1];
    return matching.length > query.limit && last !== undefined
      ? { runs: page, next: encodeRunCursor(last) }
      : { runs: page };
  }

  async listActive(nodeId?: string): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    for (const record of this.#runs.values()) {
      if (!isTerminal(record.status) && (nodeId === undefined || record.nodeId === nodeId))
        out.push(copyRunRecord(record));
    }
    return out;
  }

  async prune(endedBefore: number): Promise<number> {
    let n = 0;
    for (const [id, record] of this.#runs) {
      if (record.endedAt !== undefined && record.endedAt < endedBefore) {
        this.#runs.delete(id);
        this.#byUser.get(record.userId)?.delete(id);
        n++;
      }
    }
    return n;
  }

  async close(): Promise<void> {}
}
