import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError, MAX_CONTEXT_DEPTH, UserExecutionContext } from '../../src/index.js';

function isInvalidArgument(message: string): (error: unknown) => true {
  return (error) => {
    assert.ok(error instanceof InvalidArgumentError, `expected an InvalidArgumentError, got ${String(error)}`);
    assert.ok(error instanceof TypeError);
    assert.equal(error.code, 'invalid_argument');
    assert.equal(error.message, message);
    return true;
  };
}

describe('UserExecutionContext', () => {
  it('is deep-frozen, and its metadata is a copy the caller cannot change afterwards', () => {
    const metadata = { client: { name: 'cli', tags: ['a'] } };
    const context = UserExecutionContext.create({ userId: 'alice', metadata });
    metadata.client.name = 'changed';
    assert.deepEqual(context.metadata, { client: { name: 'cli', tags: ['a'] } });
    assert.ok(Object.isFrozen(context));
    assert.ok(Object.isFrozen(context.metadata));
    assert.ok(Object.isFrozen((context.metadata.client as { tags: string[] }).tags));
    assert.throws(() => {
      (context as { userId: string }).userId = 'bob';
    }, TypeError);
    assert.equal(context.userId, 'alice');
  });

  it('generates prefixed thread, run and request ids when absent, and keeps given ones', () => {
    const context = UserExecutionContext.create({ userId: 'alice', threadId: 'thr_given' });
    assert.equal(context.threadId, 'thr_given');
    assert.match(context.runId, /^run_[A-Za-z0-9_-]{22}$/);
    assert.match(context.requestId, /^req_[A-Za-z0-9_-]{22}$/);
    assert.equal(context.connectionId, undefined);
    assert.equal(context.depth, 0);
  });

  it('rejects placeholder, empty and non-string ids with a TypeError naming the field', () => {
    assert.throws(
      () => UserExecutionContext.create({ userId: 'undefined' }),
      isInvalidArgument("UserExecutionContext.userId is not a valid id: 'undefined' is a placeholder, not an id"),
    );
    assert.throws(
      () => UserExecutionContext.create({ userId: '' }),
      isInvalidArgument('UserExecutionContext.userId is not a valid id: expected a non-empty string'),
    );
    assert.throws(
      () => UserExecutionContext.create({ userId: 'alice', threadId: 'has space' }),
      isInvalidArgument(
        'UserExecutionContext.threadId is not a valid id: expected no whitespace or control characters',
      ),
    );
    assert.throws(
      () => UserExecutionContext.create('alice' as never),
      isInvalidArgument(
        "UserExecutionContext.create() expects an object like { userId: 'u_1' }, got the string 'alice'",
      ),
    );
  });

  it('cannot be constructed directly', () => {
    const Untyped = UserExecutionContext as unknown as new (...args: unknown[]) => object;
    assert.throws(
      () => new Untyped(Symbol('forged'), { userId: 'alice' }, 0),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message === 'UserExecutionContext cannot be constructed directly; use UserExecutionContext.create()',
    );
  });

  it('derives children for the same user with replaced fields, and refuses to change the user', () => {
    const root = UserExecutionContext.create({ userId: 'alice', metadata: { a: 1 } });
    const child = root.child({ runId: 'run_child', metadata: { b: 2 } });
    assert.equal(child.userId, 'alice');
    assert.equal(child.threadId, root.threadId);
    assert.equal(child.runId, 'run_child');
    assert.equal(child.requestId, root.requestId);
    assert.deepEqual(child.metadata, { a: 1, b: 2 });
    assert.equal(child.depth, 1);
    assert.equal(root.runId === 'run_child', false);
    assert.throws(
      () => root.child({ userId: 'bob' } as never),
      isInvalidArgument('UserExecutionContext.child() cannot change the user'),
    );
  });

  it(`refuses to nest children deeper than ${MAX_CONTEXT_DEPTH} levels`, () => {
    let context = UserExecutionContext.create({ userId: 'alice' });
    for (let i = 0; i < MAX_CONTEXT_DEPTH; i++) context = context.child();
    assert.equal(context.depth, MAX_CONTEXT_DEPTH);
    assert.throws(
      () => context.child(),
      isInvalidArgument(`UserExecutionContext.child() is nested too deep (more than ${MAX_CONTEXT_DEPTH} levels)`),
    );
  });

  it('rejects metadata that is not plain data', () => {
    assert.throws(
      () => UserExecutionContext.create({ userId: 'alice', metadata: { callback: () => 1 } }),
      (error: unknown) =>
        error instanceof InvalidArgumentError &&
        error.message.startsWith('UserExecutionContext.metadata must be plain data (structured-cloneable): '),
    );
  });
});
