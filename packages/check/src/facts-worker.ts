/**
 * Worker-thread entry of the facts worker pool: receives batches of files (facts) or declarations (exact shapes)
 * and answers with one result per job.
 */
import { parentPort } from 'node:worker_threads';
import { extractFacts } from './extract-facts.js';
import type { FactsBatch, FactsBatchResult } from './facts-worker-pool.js';
import { fileShapes } from './file-shapes.js';
import { safeExtract } from './safe-extract.js';

parentPort?.on('message', (batch: FactsBatch) => {
  const result: FactsBatchResult = {
    id: batch.id,
    results:
      batch.kind === 'facts'
        ? batch.jobs.map((job) => safeExtract(extractFacts, job.file, job.source))
        : batch.jobs.map(fileShapes),
  };
  parentPort?.postMessage(result);
});
