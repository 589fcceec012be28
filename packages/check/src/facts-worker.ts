/**
 * Worker-thread entry of the facts worker pool: receives batches of files (facts) or declarations (exact shapes)
 * and answers with one result per job.
 */
import { parentPort } from 'node:worker_threads';
import type { FactsBatch, FactsBatchResult } from './facts-worker-pool.js';
import { jobsShapes } from './file-shapes.js';
import { extractFileFacts, prepareFrontEnds } from './front-ends.js';
import { safeExtract } from './safe-extract.js';

parentPort?.on('message', async (batch: FactsBatch) => {
  // The Python front end loads on the first batch with a Python file; batches are answered by id, in any order.
  await prepareFrontEnds(batch.jobs.map((job) => job.file));
  const result: FactsBatchResult = {
    id: batch.id,
    results:
      batch.kind === 'facts'
        ? batch.jobs.map((job) => safeExtract(extractFileFacts, job.file, job.source))
        : jobsShapes(batch.jobs),
  };
  parentPort?.postMessage(result);
});
