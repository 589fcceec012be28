/**
 * Worker-thread entry of the facts worker pool: receives batches of `{ file, source }` and answers with their facts.
 */
import { parentPort } from 'node:worker_threads';
import { extractFacts } from './extract-facts.js';
import type { FactsBatch, FactsBatchResult } from './facts-worker-pool.js';
import { safeExtract } from './safe-extract.js';

parentPort?.on('message', (batch: FactsBatch) => {
  const result: FactsBatchResult = {
    id: batch.id,
    facts: batch.jobs.map((job) => safeExtract(extractFacts, job.file, job.source)),
  };
  parentPort?.postMessage(result);
});
