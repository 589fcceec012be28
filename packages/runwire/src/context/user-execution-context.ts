import { InvalidArgumentError } from '../errors.js';
import {
  type ConnectionId,
  describeValue,
  idProblem,
  newRequestId,
  newRunId,
  newThreadId,
  type RequestId,
  type RunId,
  type ThreadId,
  type UserId,
} from '../ids.js';

/** How deep `child()` may nest before it refuses: deeper chains are a loop, not a design. */
export const MAX_CONTEXT_DEPTH = 8;

/** The fields a context is built from; absent ids are generated. */
export interface UserExecutionContextInit {
  readonly userId: string;
  readonly threadId?: string;
  readonly runId?: string;
  readonly requestId?: string;
  readonly connectionId?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

const constructToken = Symbol('UserExecutionContext');

function validId(field: string, value: unknown): string {
  const problem = idProblem(value);
  if (problem !== undefined) {
    throw new InvalidArgumentError(`UserExecutionContext.${field} is not a valid id: ${problem}`);
  }
  return value as string;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

function cloneJson(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return structuredClone(value) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidArgumentError(
      `UserExecutionContext.metadata must be plain data (structured-cloneable): ${(error as Error).message}`,
    );
  }
}

/**
 * Who is asking, for which thread, run and request. Immutable (deep-frozen) and validated: it is built only from an
 * authenticated identity and passed down every call, so no long-lived object ever stores a "current user".
 *
 * @example
 * const ctx = UserExecutionContext.create({ userId: 'alice' });
 * const runCtx = ctx.child({ runId: run.runId });
 */
export class UserExecutionContext {
  readonly userId: UserId;
  readonly threadId: ThreadId;
  readonly runId: RunId;
  readonly requestId: RequestId;
  readonly connectionId: ConnectionId | undefined;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** 0 for a root context, parent depth + 1 for a child. */
  readonly depth: number;

  private constructor(token: symbol, init: UserExecutionContextInit, depth: number) {
    if (token !== constructToken) {
      throw new TypeError('UserExecutionContext cannot be constructed directly; use UserExecutionContext.create()');
    }
    this.userId = validId('userId', init.userId) as UserId;
    this.threadId = validId('threadId', init.threadId ?? newThreadId()) as ThreadId;
    this.runId = validId('runId', init.runId ?? newRunId()) as RunId;
    this.requestId = validId('requestId', init.requestId ?? newRequestId()) as RequestId;
    this.connectionId =
      init.connectionId === undefined ? undefined : (validId('connectionId', init.connectionId) as ConnectionId);
    this.metadata = deepFreeze(init.metadata === undefined ? {} : cloneJson(init.metadata));
    this.depth = depth;
    Object.freeze(this);
  }

  /** Builds a root context; throws `TypeError` (InvalidArgumentError) naming the bad field. */
  static create(init: UserExecutionContextInit): UserExecutionContext {
    if (init === null || typeof init !== 'object') {
      throw new InvalidArgumentError(
        `UserExecutionContext.create() expects an object like { userId: 'u_1' }, got ${describeValue(init)}`,
      );
    }
    return new UserExecutionContext(constructToken, init, 0);
  }

  /** A derived context: same user, with the given fields replaced. The user can never change. */
  child(overrides: Omit<UserExecutionContextInit, 'userId'> = {}): UserExecutionContext {
    if ('userId' in overrides && (overrides as { userId?: unknown }).userId !== this.userId) {
      throw new InvalidArgumentError('UserExecutionContext.child() cannot change the user');
    }
    if (this.depth + 1 > MAX_CONTEXT_DEPTH) {
      throw new InvalidArgumentError(
        `UserExecutionContext.child() is nested too deep (more than ${MAX_CONTEXT_DEPTH} levels)`,
      );
    }
    return new UserExecutionContext(
      constructToken,
      {
        userId: this.userId,
        threadId: overrides.threadId ?? this.threadId,
        runId: overrides.runId ?? this.runId,
        requestId: overrides.requestId ?? this.requestId,
        ...(overrides.connectionId !== undefined
          ? { connectionId: overrides.connectionId }
          : this.connectionId !== undefined
            ? { connectionId: this.connectionId }
            : {}),
        metadata: { ...this.metadata, ...overrides.metadata },
      },
      this.depth + 1,
    );
  }

  /** A plain object for logs and tests. */
  toJSON(): Record<string, unknown> {
    return {
      userId: this.userId,
      threadId: this.threadId,
      runId: this.runId,
      requestId: this.requestId,
      ...(this.connectionId === undefined ? {} : { connectionId: this.connectionId }),
    };
  }
}
