import type { z } from 'zod';
import { BadRequestError, RunwireError } from '../errors.js';
import { toErrorFrame } from '../protocol/error-frame.js';
import type { InboundFrame, InboundFrameType } from '../protocol/inbound-frames.js';
import { jsonLimitIssue, textNestingIssue } from '../protocol/json-limits.js';
import type { ReplyFrame } from '../protocol/server-frames.js';
import type { FrameHandler, HandlerCall } from './handler.js';

/** Upper bounds (ms) of the dispatch latency histogram buckets. */
export const ROUTER_LATENCY_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000] as const;

interface Route {
  readonly schema: z.ZodType;
  readonly handler: FrameHandler<InboundFrameType>;
}

/** Outcome of one dispatch, for metrics. */
export interface DispatchRecord {
  /** The frame type, or `invalid` when the frame had none (bad JSON, no type). */
  readonly type: string;
  /** `ok`, or the error code sent back. */
  readonly outcome: string;
  readonly durationMs: number;
}

export interface TypeStats {
  count: number;
  errors: number;
  /** Cumulative count per latency bucket, plus one for `+Inf`. */
  readonly buckets: number[];
  sumMs: number;
}

/**
 * The one router: a map from frame type to `{schema, handler}`. It parses, validates and calls the handler with the
 * caller's context; it never keeps state about a user or request. An unknown type is an `unknown_type` error, never
 * a silent ack.
 */
export class MessageRouter {
  readonly #routes = new Map<string, Route>();
  readonly #stats = new Map<string, TypeStats>();
  readonly #observers = new Set<(record: DispatchRecord) => void>();

  /** Registers the handler of one frame type with its schema. @throws when the type already has one. */
  register<T extends InboundFrameType>(type: T, schema: z.ZodType<InboundFrame<T>>, handler: FrameHandler<T>): this {
    if (this.#routes.has(type)) throw new Error(`MessageRouter: a handler for '${type}' is already registered`);
    this.#routes.set(type, { schema, handler: handler as FrameHandler<InboundFrameType> });
    return this;
  }

  /** The registered types. */
  types(): string[] {
    return [...this.#routes.keys()].sort();
  }

  /** Observes every dispatch (for metrics). */
  onDispatch(observer: (record: DispatchRecord) => void): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  /** Per-type counters and latency histogram. */
  stats(): ReadonlyMap<string, Readonly<TypeStats>> {
    return this.#stats;
  }

  /**
   * Handles one text frame: parses, validates, calls the handler. Returns the reply to send (an `error` frame for
   * every failure), or `undefined` when the handler sent its replies itself.
   */
  async dispatch(text: string, call: HandlerCall): Promise<ReplyFrame | undefined> {
    const started = performance.now();
    let type = 'invalid';
    let id: string | undefined;
    let reply: ReplyFrame | undefined;
    try {
      // Before parsing: JSON.parse is slow on deep nesting, and schemas would overflow the stack on it.
      const deep = textNestingIssue(text);
      if (deep !== undefined) {
        id = deep.id;
        throw new BadRequestError(`The frame is refused: ${deep.issue.message}`, [deep.issue]);
      }
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        throw new RunwireError('bad_json', 'The frame is not valid JSON');
      }
      if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) {
        throw new BadRequestError('A frame must be a JSON object with a string "type"', [
          { path: '', message: 'expected an object' },
        ]);
      }
      const candidate = frame as { type?: unknown; id?: unknown };
      if (typeof candidate.id === 'string' && candidate.id.length <= 64) id = candidate.id;
      // Before any schema: the number of values and __proto__ keys (the nesting was checked on the text).
      const tooLarge = jsonLimitIssue(frame);
      if (tooLarge !== undefined) {
        throw new BadRequestError(`The frame is refused: ${tooLarge.message}`, [tooLarge]);
      }
      if (typeof candidate.type !== 'string') {
        throw new BadRequestError('A frame must have a string "type"', [{ path: 'type', message: 'required string' }]);
      }
      const route = this.#routes.get(candidate.type);
      if (route === undefined) {
        throw new RunwireError('unknown_type', `Unknown frame type '${candidate.type.slice(0, 64)}'`, {
          known: this.types(),
        });
      }
      type = candidate.type;
      const parsed = route.schema.safeParse(frame);
      if (!parsed.success) {
        throw new BadRequestError(
          `Invalid '${type}' frame`,
          parsed.error.issues.map((issue) => ({
            path: issue.path.map(String).join('.'),
            message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
          })),
        );
      }
      reply = await route.handler(parsed.data as InboundFrame<InboundFrameType>, call);
      this.#record(type, 'ok', started);
      return reply;
    } catch (error) {
      const frame = toErrorFrame(error, id);
      this.#record(type, frame.code, started);
      if (frame.code === 'internal') this.#internal?.(error, type);
      return frame;
    }
  }

  #internal: ((error: unknown, type: string) => void) | undefined;

  /** Receives server faults (mapped to `internal` on the wire) for logging. */
  onInternalError(listener: (error: unknown, type: string) => void): void {
    this.#internal = listener;
  }

  #record(type: string, outcome: string, started: number): void {
    const durationMs = performance.now() - started;
    let s = this.#stats.get(type);
    if (s === undefined) {
      s = { count: 0, errors: 0, buckets: new Array(ROUTER_LATENCY_BUCKETS_MS.length + 1).fill(0), sumMs: 0 };
      this.#stats.set(type, s);
    }
    s.count++;
    if (outcome !== 'ok') s.errors++;
    s.sumMs += durationMs;
    let i = ROUTER_LATENCY_BUCKETS_MS.findIndex((b) => durationMs <= b);
    if (i < 0) i = ROUTER_LATENCY_BUCKETS_MS.length;
    s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    if (this.#observers.size > 0) {
      const record = { type, outcome, durationMs };
      for (const observer of this.#observers) observer(record);
    }
  }
}
