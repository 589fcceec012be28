import { type BaseEvent, EventType } from '@ag-ui/core';
import { assertNever } from '../../errors.js';
import type { RunEvent } from '../../protocol/run-events.js';

/** The ids an AG-UI stream echoes: the client's own thread and run ids (`RunAgentInput`). */
export interface AguiRunIds {
  readonly threadId: string;
  readonly runId: string;
}

/**
 * Turns one Runwire run's events, in seq order, into AG-UI events. The table (also in docs/agui.md):
 *
 * | Runwire event                      | AG-UI events                                                                  |
 * |------------------------------------|-------------------------------------------------------------------------------|
 * | (stream opens)                     | `RUN_STARTED` with the client's threadId and runId                            |
 * | `run_queued`                       | nothing (the run has not started; the stream waits)                           |
 * | `agent_started`                    | `STEP_STARTED` (step 1)                                                       |
 * | `agent_thinking {step}`            | a new step when `step` grew (`STEP_FINISHED`, `STEP_STARTED`), then           |
 * |                                    | `REASONING_START`, `REASONING_MESSAGE_START/CONTENT/END`, `REASONING_END`     |
 * | `tool_executing`                   | `TOOL_CALL_START`, `TOOL_CALL_ARGS` (the parameters as JSON), `TOOL_CALL_END` |
 * | `tool_completed`                   | `TOOL_CALL_RESULT` (the result, or `{"error":{code,message}}`, as JSON)       |
 * | `partial_result {delta}`           | `TEXT_MESSAGE_START` (first delta), `TEXT_MESSAGE_CONTENT`                    |
 * | `agent_completed {finalResponse}`  | the whole answer as one text message if nothing streamed, `TEXT_MESSAGE_END`, |
 * |                                    | `STEP_FINISHED`, `RUN_FINISHED` with the answer as `result`                   |
 * | `agent_error {error}`              | open messages closed, `STEP_FINISHED`, `RUN_ERROR` with the run's error code  |
 * | `agent_cancelled {reason}`         | open messages closed, `STEP_FINISHED`, `RUN_ERROR` with code `cancelled`      |
 *
 * A text message is closed before a tool call or a reasoning message opens, and every open message and step is
 * closed before the run's last event, so the stream passes AG-UI's event verification. Timestamps are the Runwire
 * events' own, in integer milliseconds; no optional field is ever `null`.
 */
export class AguiEventMap {
  readonly #ids: AguiRunIds;
  /** Prefix of every message id of this run: the Runwire run id keeps ids unique across runs of a thread. */
  readonly #prefix: string;
  #step = 0;
  #stepOpen = false;
  #text: string | undefined;
  #streamedText = false;
  #messages = 0;
  #ended = false;

  constructor(ids: AguiRunIds, runwireRunId: string) {
    this.#ids = ids;
    this.#prefix = runwireRunId;
  }

  /** Whether the run's last event (`RUN_FINISHED` or `RUN_ERROR`) has been produced. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The first event of the stream. */
  started(runwireRunId: string, timestamp: number): BaseEvent {
    return {
      type: EventType.RUN_STARTED,
      threadId: this.#ids.threadId,
      runId: this.#ids.runId,
      timestamp,
      metadata: { runwireRunId },
    } as BaseEvent;
  }

  /** The AG-UI events for one Runwire event of the run (none after the run's end). */
  map(event: RunEvent): BaseEvent[] {
    if (this.#ended) return [];
    const timestamp = Date.parse(event.ts);
    const out: BaseEvent[] = [];
    const push = (e: Record<string, unknown> & { type: EventType }): void => {
      out.push({ ...e, timestamp } as BaseEvent);
    };
    switch (event.type) {
      case 'run_queued':
        break;
      case 'agent_started':
        this.#openStep(1, push);
        break;
      case 'agent_thinking': {
        this.#closeText(push);
        if (!this.#stepOpen || event.step > this.#step) this.#openStep(Math.max(event.step, this.#step + 1), push);
        const messageId = this.#newMessageId('reasoning');
        push({ type: EventType.REASONING_START, messageId });
        push({ type: EventType.REASONING_MESSAGE_START, messageId, role: 'reasoning' });
        push({ type: EventType.REASONING_MESSAGE_CONTENT, messageId, delta: event.reasoning });
        push({ type: EventType.REASONING_MESSAGE_END, messageId });
        push({ type: EventType.REASONING_END, messageId });
        break;
      }
      case 'tool_executing':
        this.#ensureStep(push);
        this.#closeText(push);
        push({ type: EventType.TOOL_CALL_START, toolCallId: event.toolCallId, toolCallName: event.toolName });
        push({ type: EventType.TOOL_CALL_ARGS, toolCallId: event.toolCallId, delta: JSON.stringify(event.parameters) });
        push({ type: EventType.TOOL_CALL_END, toolCallId: event.toolCallId });
        break;
      case 'tool_completed': {
        this.#ensureStep(push);
        const content = event.success ? event.results : { error: event.error ?? { code: 'tool_failed', message: '' } };
        push({
          type: EventType.TOOL_CALL_RESULT,
          messageId: this.#newMessageId('tool'),
          toolCallId: event.toolCallId,
          content: JSON.stringify(content ?? null),
          role: 'tool',
        });
        break;
      }
      case 'partial_result':
        if (event.delta.length === 0) break;
        this.#ensureStep(push);
        this.#openText(push);
        this.#streamedText = true;
        push({ type: EventType.TEXT_MESSAGE_CONTENT, messageId: this.#text, delta: event.delta });
        break;
      case 'agent_completed':
        this.#ensureStep(push);
        if (!this.#streamedText && event.finalResponse.length > 0) {
          this.#openText(push);
          push({ type: EventType.TEXT_MESSAGE_CONTENT, messageId: this.#text, delta: event.finalResponse });
        }
        this.#finish(push);
        push({
          type: EventType.RUN_FINISHED,
          threadId: this.#ids.threadId,
          runId: this.#ids.runId,
          result: event.finalResponse,
        });
        break;
      case 'agent_error':
        this.#finish(push);
        push({ type: EventType.RUN_ERROR, message: event.error.message, code: event.error.code });
        break;
      case 'agent_cancelled':
        this.#finish(push);
        push({ type: EventType.RUN_ERROR, message: `The run was cancelled (${event.reason})`, code: 'cancelled' });
        break;
      default:
        assertNever(event);
    }
    return out;
  }

  /**
   * The end of a stream whose run could not be followed to its end (the run's events are gone from the log, or the
   * server is shutting down): closes what is open and reports a `RUN_ERROR` with `code`.
   */
  abandon(code: string, message: string, timestamp: number): BaseEvent[] {
    if (this.#ended) return [];
    const out: BaseEvent[] = [];
    const push = (e: Record<string, unknown> & { type: EventType }): void => {
      out.push({ ...e, timestamp } as BaseEvent);
    };
    this.#finish(push);
    push({ type: EventType.RUN_ERROR, message, code });
    return out;
  }

  #newMessageId(kind: string): string {
    this.#messages++;
    return `${this.#prefix}-${kind}-${this.#messages}`;
  }

  #ensureStep(push: Push): void {
    if (!this.#stepOpen) this.#openStep(this.#step + 1, push);
  }

  #openStep(step: number, push: Push): void {
    this.#closeText(push);
    if (this.#stepOpen) push({ type: EventType.STEP_FINISHED, stepName: stepName(this.#step) });
    this.#step = step;
    this.#stepOpen = true;
    push({ type: EventType.STEP_STARTED, stepName: stepName(step) });
  }

  #openText(push: Push): void {
    if (this.#text !== undefined) return;
    this.#text = this.#newMessageId('text');
    push({ type: EventType.TEXT_MESSAGE_START, messageId: this.#text, role: 'assistant' });
  }

  #closeText(push: Push): void {
    if (this.#text === undefined) return;
    push({ type: EventType.TEXT_MESSAGE_END, messageId: this.#text });
    this.#text = undefined;
  }

  #finish(push: Push): void {
    this.#closeText(push);
    if (this.#stepOpen) push({ type: EventType.STEP_FINISHED, stepName: stepName(this.#step) });
    this.#stepOpen = false;
    this.#ended = true;
  }
}

type Push = (e: Record<string, unknown> & { type: EventType }) => void;

function stepName(step: number): string {
  return `step ${step}`;
}
