import type { RunEvent, RunSnapshotFrame } from '@runwire/client';
import { isTerminal } from '@runwire/client';
import { renderMarkdown } from './markdown.js';

/** `document.createElement` with a class and text. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function pretty(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * One turn of the conversation: the user's message, then the run's live timeline (queued, thinking, each tool call
 * with its parameters and result, errors with their code) and its answer, streamed as Markdown. Events may come
 * twice or out of order (history fetched while the live stream resumes); they are kept by seq and each is shown once.
 */
export class RunView {
  readonly runId: string;
  readonly element: HTMLLIElement;
  readonly #userText: HTMLDivElement;
  readonly #timeline: HTMLOListElement;
  readonly #answer: HTMLDivElement;
  readonly #meta: HTMLDivElement;
  readonly #events = new Map<number, RunEvent>();
  #shownSeq = 0;
  #answerText = '';
  #renderQueued = false;
  #terminal: RunEvent | undefined;
  #snapshot: RunSnapshotFrame | undefined;
  readonly #tools = new Map<string, HTMLLIElement>();

  constructor(runId: string, userText: string | undefined) {
    this.runId = runId;
    this.element = el('li', 'turn');
    this.element.dataset.runId = runId;
    this.#userText = el('div', 'msg user');
    this.setUserText(userText);
    const run = el('section', 'run');
    run.setAttribute('aria-label', 'Run');
    this.#timeline = el('ol', 'timeline');
    this.#timeline.setAttribute('aria-label', 'Run timeline');
    this.#answer = el('div', 'msg assistant answer');
    this.#answer.setAttribute('aria-live', 'polite');
    this.#meta = el('div', 'meta', 'waiting…');
    run.append(this.#timeline, this.#answer, this.#meta);
    this.element.append(this.#userText, run);
  }

  /** Whether the run has not ended (as far as this page knows). */
  get live(): boolean {
    if (this.#terminal !== undefined) return false;
    if (this.#snapshot === undefined) return true;
    return !['completed', 'failed', 'timeout', 'dead', 'cancelled'].includes(this.#snapshot.status);
  }

  /** The first seq of the run this view holds (to order turns), or Infinity. */
  get firstSeq(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const seq of this.#events.keys()) min = Math.min(min, seq);
    return min;
  }

  setUserText(text: string | undefined): void {
    this.#userText.replaceChildren(el('span', 'who', 'You'), el('div', 'text', text ?? '(message not available)'));
  }

  /** Shows a snapshot where the events are gone (retention) or not loaded yet. */
  applySnapshot(snapshot: RunSnapshotFrame): void {
    this.#snapshot = snapshot;
    if (this.#events.size === 0 && snapshot.finalResponse !== undefined) {
      this.#answerText = snapshot.finalResponse;
      this.#renderAnswer();
    }
    if (this.#terminal === undefined) this.#meta.textContent = snapshot.status;
    this.element.dataset.status = this.#terminal === undefined ? snapshot.status : this.element.dataset.status;
  }

  apply(event: RunEvent): void {
    if (this.#events.has(event.seq)) return;
    this.#events.set(event.seq, event);
    if (event.seq > this.#shownSeq) {
      this.#show(event);
      this.#shownSeq = event.seq;
      return;
    }
    // An older event arrived after newer ones: rebuild the timeline in seq order.
    this.#timeline.replaceChildren();
    this.#tools.clear();
    this.#answerText = '';
    this.#terminal = undefined;
    for (const e of [...this.#events.values()].sort((a, b) => a.seq - b.seq)) this.#show(e);
  }

  #show(event: RunEvent): void {
    this.element.dataset.lastSeq = String(event.seq);
    switch (event.type) {
      case 'run_queued':
        this.#timeline.append(
          el('li', 'queued', `Queued (${event.reason.replace('_', ' ')}, position ${event.position})`),
        );
        this.#meta.textContent = 'queued';
        break;
      case 'agent_started':
        this.#meta.textContent = `running (${event.agent})`;
        break;
      case 'agent_thinking': {
        const item = el('li', 'thinking');
        item.dataset.step = String(event.step);
        item.append(el('span', 'label', `Thinking · step ${event.step}`), el('div', 'text', event.reasoning));
        this.#timeline.append(item);
        break;
      }
      case 'tool_executing': {
        const item = el('li', 'tool');
        item.dataset.state = 'running';
        const head = el('div', 'label');
        head.append('Tool ', el('code', undefined, event.toolName), el('span', 'state', ' running…'));
        const params = el('pre', 'params', pretty(event.parameters));
        params.setAttribute('aria-label', 'Parameters');
        item.append(head, el('span', 'caption', 'Parameters'), params);
        this.#tools.set(event.toolCallId, item);
        this.#timeline.append(item);
        break;
      }
      case 'tool_completed': {
        let item = this.#tools.get(event.toolCallId);
        if (item === undefined) {
          item = el('li', 'tool');
          item.append(el('div', 'label', `Tool ${event.toolName}`));
          this.#timeline.append(item);
        }
        item.dataset.state = event.success ? 'done' : 'failed';
        const state = item.querySelector('.state');
        if (state !== null) state.textContent = event.success ? ` done in ${event.durationMs} ms` : ' failed';
        const result = el(
          'pre',
          'result',
          event.success ? pretty(event.results) : `${event.error?.code ?? 'error'}: ${event.error?.message ?? ''}`,
        );
        result.setAttribute('aria-label', 'Result');
        item.append(el('span', 'caption', event.success ? 'Result' : 'Error'), result);
        break;
      }
      case 'partial_result':
        this.#answerText += event.delta;
        this.#scheduleAnswer();
        break;
      case 'agent_completed':
        this.#answerText = event.finalResponse;
        this.#renderAnswer();
        this.#meta.textContent = `completed in ${event.durationMs} ms`;
        break;
      case 'agent_error': {
        const item = el('li', 'run-error');
        item.setAttribute('role', 'alert');
        item.append(`Error (${event.status}) `, el('code', undefined, event.error.code), `: ${event.error.message}`);
        this.#timeline.append(item);
        this.#meta.textContent = `${event.status} after ${event.durationMs} ms`;
        break;
      }
      case 'agent_cancelled':
        this.#timeline.append(el('li', 'cancelled', `Stopped (${event.reason})`));
        this.#meta.textContent = `cancelled after ${event.durationMs} ms`;
        break;
    }
    if (isTerminal(event)) {
      this.#terminal = event;
      this.element.dataset.status = event.status;
    } else this.element.dataset.status = 'running';
  }

  /** Streaming deltas render at most once per frame: Markdown is re-parsed whole, so batching keeps it cheap. */
  #scheduleAnswer(): void {
    if (this.#renderQueued) return;
    this.#renderQueued = true;
    requestAnimationFrame(() => {
      this.#renderQueued = false;
      this.#renderAnswer();
    });
  }

  #renderAnswer(): void {
    renderMarkdown(this.#answer, this.#answerText);
  }
}
