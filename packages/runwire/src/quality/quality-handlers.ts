import type { Clock } from '../clock.js';
import { DEFAULTS } from '../config/defaults.js';
import { RunwireError } from '../errors.js';
import {
  generateQualityReportFrameSchema,
  getQualityMetricsFrameSchema,
  subscribeQualityAlertsFrameSchema,
  validateContentFrameSchema,
} from '../protocol/inbound-frames.js';
import type { MessageRouter } from '../routing/message-router.js';
import { idOf } from '../routing/run-handlers.js';
import { addDays, dayOf, type QualityRollups, startOfDay } from '../stores/quality-rollups.js';
import { validateContent } from './content-validator.js';
import type { QualityAlerts } from './quality-alerts.js';
import { agentsOf, figuresOf } from './quality-summary.js';

/** What the quality handlers read: the rollups, the alert subscriptions, the clock. */
export interface QualityHandlerDeps {
  readonly rollups: QualityRollups;
  readonly alerts: QualityAlerts;
  readonly clock: Clock;
}

/** UTC days of each `generate_quality_report` period, today included. */
const PERIOD_DAYS = { day: 1, week: 7 } as const;

/**
 * Registers `get_quality_metrics`, `subscribe_quality_alerts`, `validate_content` and `generate_quality_report` on
 * the one router. Every read is of the caller's own rollups (`context.userId`): no frame can name another user.
 */
export function registerQualityHandlers(router: MessageRouter, deps: QualityHandlerDeps): void {
  const { rollups, alerts, clock } = deps;

  router.register('get_quality_metrics', getQualityMetricsFrameSchema, async (frame, { context }) => {
    const periodHours = frame.periodHours ?? DEFAULTS.qualityPeriodHours;
    const now = clock.now();
    const fromDay = dayOf(now - periodHours * 3_600_000);
    const days = await rollups.read({ fromDay, toDay: dayOf(now), userId: context.userId });
    return {
      type: 'quality_metrics',
      ...idOf(frame),
      periodHours,
      from: new Date(startOfDay(fromDay)).toISOString(),
      to: new Date(now).toISOString(),
      agents: agentsOf(days, frame.agent),
    };
  });

  router.register('subscribe_quality_alerts', subscribeQualityAlertsFrameSchema, (frame, { context, session }) => {
    const connectionId = context.connectionId;
    if (connectionId === undefined) {
      throw new RunwireError('bad_request', 'Alerts need a connection: subscribe over a WebSocket');
    }
    if (frame.action === 'subscribe') {
      alerts.subscribe(context.userId, connectionId, (alert) => session.push(alert));
      session.onClose(() => alerts.unsubscribe(context.userId, connectionId));
    } else {
      alerts.unsubscribe(context.userId, connectionId);
    }
    return { type: 'ack', ...idOf(frame) };
  });

  router.register('validate_content', validateContentFrameSchema, (frame) => ({
    type: 'content_validation_result',
    ...idOf(frame),
    ...validateContent(frame),
  }));

  router.register('generate_quality_report', generateQualityReportFrameSchema, async (frame, { context }) => {
    const period = frame.period ?? 'week';
    const span = PERIOD_DAYS[period];
    const now = clock.now();
    const toDay = dayOf(now);
    const fromDay = addDays(toDay, 1 - span);
    const previousFrom = addDays(fromDay, -span);
    const all = await rollups.read({ fromDay: previousFrom, toDay, userId: context.userId });
    const current = all.filter((d) => d.day >= fromDay);
    const before = all.filter((d) => d.day < fromDay);
    const summary = figuresOf(current);
    const previous = figuresOf(before);
    return {
      type: 'quality_report',
      ...idOf(frame),
      reportType: 'summary',
      period,
      from: new Date(startOfDay(fromDay)).toISOString(),
      to: new Date(now).toISOString(),
      summary,
      agents: agentsOf(current),
      previous,
      change: {
        runs: summary.runs - previous.runs,
        successRate:
          summary.successRate === null || previous.successRate === null
            ? null
            : summary.successRate - previous.successRate,
      },
    };
  });
}
