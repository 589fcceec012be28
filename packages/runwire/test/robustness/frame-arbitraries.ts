import fc from 'fast-check';

/** One frame the fuzzer sends: its text (or bytes, sent as a binary frame). */
export type FuzzFrame =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array };

const TYPES = [
  'user_message',
  'start_agent',
  'stop_agent',
  'get_run',
  'list_runs',
  'resume',
  'ping',
  'get_quality_metrics',
  'subscribe_quality_alerts',
  'validate_content',
  'generate_quality_report',
] as const;

/** Values of the wrong shape, or on the edges of the right one. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 53), '', 'none', 'null', 'undefined', 'test'),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** An array or object nesting `depth` levels (the deep-JSON attack of issue 15, and values around the limit). */
const nested: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(fc.integer({ min: 55, max: 75 }), fc.integer({ min: 1, max: 6_000 })), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** An echo input the agent accepts (kept short: the fuzzer must not fill the user's run queue with slow runs). */
const echoInput = fc.record({
  text: fc.string({ minLength: 1, maxLength: 40 }),
  steps: fc.integer({ min: 0, max: 3 }),
  delayMs: fc.integer({ min: 0, max: 20 }),
});

/** A frame object: a known type with fields that are sometimes right, sometimes wrong, sometimes extra. */
const frameObject: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      type: fc.oneof(fc.constantFrom(...TYPES), fc.string({ maxLength: 20 })),
      id: fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), oddValue),
      content: fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), oddValue),
      agent: fc.oneof(fc.constantFrom('echo', 'supervisor', 'nope'), oddValue),
      input: fc.oneof(echoInput, oddValue),
      runId: fc.oneof(fc.constantFrom('run_1', 'run_x'), oddValue),
      threadId: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), oddValue),
      after: fc.oneof(fc.nat(1_000), oddValue),
      limit: fc.oneof(fc.integer({ min: 0, max: 101 }), oddValue),
      status: fc.oneof(fc.constantFrom('running', 'completed', 'nope'), oddValue),
      before: oddValue,
      action: fc.oneof(fc.constantFrom('subscribe', 'unsubscribe'), oddValue),
      sneaky: oddValue,
    },
    { requiredKeys: ['type'] },
  )
  .map((frame) => frame as Record<string, unknown>);

/** A frame the server accepts, so that the handlers behind the schemas run too (runs, stops, lists, resumes). */
const validFrame: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant('user_message'), content: fc.string({ minLength: 1, maxLength: 200 }) }),
  fc.record({
    type: fc.constant('user_message'),
    content: fc.string({ minLength: 1, maxLength: 50 }),
    agent: fc.constant('echo'),
  }),
  fc.record({ type: fc.constant('start_agent'), agent: fc.constant('echo'), input: echoInput }),
  fc.record({ type: fc.constant('stop_agent'), runId: fc.constantFrom('run_1', 'run_unknown', 'x') }),
  fc.record({ type: fc.constant('get_run'), runId: fc.constantFrom('run_1', 'run_unknown') }),
  fc.record(
    {
      type: fc.constant('list_runs'),
      limit: fc.integer({ min: 1, max: 100 }),
      status: fc.constantFrom('running', 'completed', 'pending'),
    },
    { requiredKeys: ['type'] },
  ),
  fc.record({ type: fc.constant('resume'), after: fc.nat(50) }),
  fc.record({ type: fc.constant('ping') }),
);

/**
 * Every kind of frame a hostile or broken client could send: well-formed frames of every type with right and wrong
 * fields, deep nesting (inside `input`, and as the whole frame), own `__proto__` keys, arbitrary JSON, text that is
 * not JSON, and binary frames.
 */
export const fuzzFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(validFrame, fc.string({ minLength: 1, maxLength: 64 }))
      .map(([frame, id]) => ({ kind: 'text' as const, text: JSON.stringify({ ...frame, id }) })),
  },
  { weight: 6, arbitrary: frameObject.map((frame) => ({ kind: 'text' as const, text: JSON.stringify(frame) })) },
  {
    weight: 2,
    arbitrary: fc.tuple(nested, fc.string({ maxLength: 16 })).map(([deep, id]) => ({
      kind: 'text' as const,
      text: `{"type":"start_agent","id":${JSON.stringify(id || 'd')},"agent":"echo","input":${deep}}`,
    })),
  },
  { weight: 1, arbitrary: nested.map((deep) => ({ kind: 'text' as const, text: deep })) },
  {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({
      kind: 'text' as const,
      text: `{"type":"start_agent","agent":"echo","input":{"text":"x","__proto__":${JSON.stringify(value) ?? 'null'}}}`,
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .jsonValue({ maxDepth: 4 })
      .map((value) => ({ kind: 'text' as const, text: JSON.stringify(value) ?? 'null' })),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((text) => ({ kind: 'text' as const, text })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'binary' as const, bytes })) },
);
