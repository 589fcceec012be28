import assert from 'node:assert/strict';
import type { z } from 'zod';
import {
  contentValidationResultFrameSchema,
  qualityAlertFrameSchema,
  qualityMetricsFrameSchema,
  qualityReportFrameSchema,
} from '../../src/protocol/quality-frames.js';
import { type RunEvent, runEventSchema } from '../../src/protocol/run-events.js';
import {
  ackFrameSchema,
  connectionEstablishedFrameSchema,
  errorFrameSchema,
  pongFrameSchema,
  resumedFrameSchema,
  resyncRequiredFrameSchema,
  runFrameSchema,
  runsFrameSchema,
} from '../../src/protocol/server-frames.js';
import type { Frame } from './ws-client.js';

/** The schema of every server frame that is not a run event, by type. */
const SERVER_FRAME_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  connection_established: connectionEstablishedFrameSchema,
  ack: ackFrameSchema,
  error: errorFrameSchema,
  run: runFrameSchema,
  runs: runsFrameSchema,
  pong: pongFrameSchema,
  resumed: resumedFrameSchema,
  resync_required: resyncRequiredFrameSchema,
  quality_metrics: qualityMetricsFrameSchema,
  quality_alert: qualityAlertFrameSchema,
  content_validation_result: contentValidationResultFrameSchema,
  quality_report: qualityReportFrameSchema,
};

/** Whether a frame is a run event (it carries a `seq`). */
export function isRunEvent(frame: Frame): boolean {
  return typeof frame.seq === 'number';
}

/**
 * Asserts that one frame the server sent matches its wire schema: run events against `runEventSchema`, every other
 * frame against the schema of its type (an unknown type fails).
 */
export function assertServerFrame(frame: Frame): void {
  const schema = isRunEvent(frame) ? runEventSchema : SERVER_FRAME_SCHEMAS[frame.type];
  assert.ok(schema !== undefined, `the server sent a frame of unknown type '${frame.type}': ${JSON.stringify(frame)}`);
  const parsed = schema.safeParse(frame);
  assert.ok(
    parsed.success,
    `${frame.type} frame does not match its schema: ${parsed.error?.message ?? ''}\n${JSON.stringify(frame)}`,
  );
}

/** Asserts `assertServerFrame` for every frame. */
export function assertServerFrames(frames: readonly Frame[]): void {
  for (const frame of frames) assertServerFrame(frame);
}

/** The run events among `frames`, typed, in arrival order. */
export function runEventsOf(frames: readonly Frame[], runId?: string): RunEvent[] {
  return frames.filter((f) => isRunEvent(f) && (runId === undefined || f.runId === runId)) as unknown as RunEvent[];
}
