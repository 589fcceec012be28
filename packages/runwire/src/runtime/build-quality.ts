import { QualityAlerts } from '../quality/quality-alerts.js';
import { registerQualityHandlers } from '../quality/quality-handlers.js';
import { QualityRecorder } from '../quality/quality-recorder.js';
import type { MessageRouter } from '../routing/message-router.js';
import type { CheckHistory } from '../stores/check-history.js';
import { MemoryCheckHistory } from '../stores/memory/memory-check-history.js';
import { MemoryQualityRollups } from '../stores/memory/memory-quality-rollups.js';
import type { QualityRollups } from '../stores/quality-rollups.js';
import type { Stores } from '../stores/stores.js';
import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import type { RunPath } from './build-run-path.js';
import type { RuntimeSettings } from './runtime-options.js';

/** A runtime's quality parts: the rollups store, the recorder that writes each run's end, the alert subscriptions. */
export interface QualityParts {
  readonly rollups: QualityRollups;
  /** SSOT check scores by path (`runwire report --check`), kept as long as the rollups. */
  readonly checks: CheckHistory;
  readonly recorder: QualityRecorder;
  readonly alerts: QualityAlerts;
}

/**
 * Builds the quality parts on the run path and registers the four quality frames on the router. Stores without
 * rollups (a custom factory) get memory rollups and check scores.
 */
export function buildQuality(
  settings: RuntimeSettings,
  tracker: AgentExecutionTracker,
  stores: Stores,
  path: RunPath,
  router: MessageRouter,
): QualityParts {
  const { clock, logger } = settings;
  const rollups = stores.rollups ?? new MemoryQualityRollups();
  const checks = stores.checks ?? new MemoryCheckHistory();
  const recorder = new QualityRecorder({
    rollups,
    tracker,
    publisher: path.publisher,
    lifecycle: path.lifecycle,
    clock,
    flushIntervalMs: settings.quality.flushIntervalMs,
    onError: (error) => logger.error({ err: error }, 'quality rollup write failed'),
  });
  const alerts = new QualityAlerts(settings.quality.alerts, clock);
  recorder.onRecorded((sample) => alerts.runEnded(sample));
  registerQualityHandlers(router, { rollups, alerts, clock });
  return { rollups, checks, recorder, alerts };
}
