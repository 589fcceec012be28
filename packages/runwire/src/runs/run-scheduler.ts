import type { AgentDefinition } from '../agents/agent-definition.js';
import type { NamedRegistry } from '../agents/named-registry.js';
import { DEFAULTS, type ThreadPolicy } from '../config/defaults.js';
import type { UserExecutionContext } from '../context/user-execution-context.js';
import { BadRequestError, ThreadBusyError, TooManyRunsError } from '../errors.js';
import { idProblem, newThreadId, type ThreadId } from '../ids.js';
import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import type { RunRecord } from '../tracker/run-record.js';
import type { AgentRunner } from './agent-runner.js';
import type { RunAdmission } from './cluster-admission.js';
import type { EventPublisher } from './event-publisher.js';

export interface SchedulerLimits {
  readonly threadPolicy: ThreadPolicy;
  /** Running runs per user. @default 4 */
  readonly maxConcurrentRunsPerUser: number;
  /** Waiting runs per user before `too_many_runs`. @default 32 */
  readonly maxQueuedRunsPerUser: number;
  /** Running runs on this node, all users together. @default 256 */
  readonly maxConcurrentRuns: number;
}

export const DEFAULT_SCHEDULER_LIMITS: SchedulerLimits = {
  threadPolicy: DEFAULTS.threadPolicy,
  maxConcurrentRunsPerUser: DEFAULTS.maxRunsPerUser,
  maxQueuedRunsPerUser: DEFAULTS.maxQueuedPerUser,
  maxConcurrentRuns: DEFAULTS.maxRunsPerNode,
};

/** A request to start a run. */
export interface RunRequest {
  readonly agent: string;
  /** Already-shaped input (`start_agent.input`), or a message to shape with the agent's `fromMessage`. */
  readonly input:
    | { readonly kind: 'input'; readonly value: unknown }
    | { readonly kind: 'message'; readonly content: string };
  readonly threadId?: string;
  readonly policy?: ThreadPolicy;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

interface Waiting {
  readonly record: RunRecord;
  readonly input: unknown;
  announced: boolean;
  /**
   * With a `RunAdmission`: `none` (not asked, or refused), `asking` (a slot was asked for), `granted` (it holds a
   * cluster slot and starts at the next dispatch).
   */
  admission: 'none' | 'asking' | 'granted';
}

interface UserQueue {
  /** Waiting runs in arrival order. */
  readonly waiting: Waiting[];
  readonly running: Set<string>;
  /** The cluster refused this user a slot: not asked again until a run of the user ends here or a retry fires. */
  refused: boolean;
  /** Waiting runs asking for a cluster slot or holding an unused one. */
  admitting: number;
}

/**
 * Decides when runs start: one run at a time per thread (with the thread policy), at most
 * `maxConcurrentRunsPerUser` running per user with the rest waiting in that user's queue, and round-robin across
 * users so one user's backlog never delays another user.
 */
export class RunScheduler {
  readonly #tracker: AgentExecutionTracker;
  readonly #runner: AgentRunner;
  readonly #agents: NamedRegistry<AgentDefinition>;
  readonly #publisher: EventPublisher;
  readonly #limits: SchedulerLimits;
  readonly #admission: RunAdmission | undefined;
  readonly #users = new Map<string, UserQueue>();
  /** Non-terminal runs per thread, in arrival order (key: userId + threadId). */
  readonly #threads = new Map<string, string[]>();
  /** Users with waiting runs, in arrival order. */
  #rotation: string[] = [];
  /**
   * When each user with runs here last had a run started (a serial number). The least recently served user goes
   * first, so a user who just arrived is not served after one who was just served.
   */
  readonly #lastServed = new Map<string, number>();
  #serial = 0;
  #running = 0;
  /** Waiting runs asking for a cluster slot or holding an unused one, all users: they count against the node cap. */
  #admitting = 0;
  #drainScheduled = false;
  #closed = false;
  #detached = false;
  readonly #unsubscribeCancel: () => void;
  readonly #unsubscribeRetry: () => void;

  constructor(options: {
    tracker: AgentExecutionTracker;
    runner: AgentRunner;
    agents: NamedRegistry<AgentDefinition>;
    publisher: EventPublisher;
    limits: SchedulerLimits;
    /** The cluster-wide per-user cap (stores shared by many nodes); without it the cap is this node's. */
    admission?: RunAdmission;
  }) {
    this.#tracker = options.tracker;
    this.#runner = options.runner;
    this.#agents = options.agents;
    this.#publisher = options.publisher;
    this.#limits = options.limits;
    this.#admission = options.admission;
    // A run accepted on this turn and stopped on it (by anyone) is started or announced first (rule 1).
    this.#unsubscribeCancel = this.#tracker.beforeCancelPending((runId) => {
      if (!this.#isUnannounced(runId)) return;
      this.dispatchNow();
      // A run still waiting for the cluster's answer is announced now.
      this.#announce((w) => w.record.runId === runId);
    });
    this.#unsubscribeRetry =
      this.#admission?.onRetry(() => {
        for (const q of this.#users.values()) q.refused = false;
        this.#scheduleDrain();
      }) ?? (() => undefined);
  }

  get limits(): SchedulerLimits {
    return this.#limits;
  }

  /** Number of waiting runs, all users. */
  get waitingCount(): number {
    let n = 0;
    for (const q of this.#users.values()) n += q.waiting.length;
    return n;
  }

  /**
   * Accepts a run for the context's user and returns its record (`pending`). It starts on a later turn, so the
   * caller's reply (`ack`) always goes out before the run's first event.
   * @throws BadRequestError (unknown agent, invalid input), ThreadBusyError, TooManyRunsError.
   */
  submit(ctx: UserExecutionContext, request: RunRequest): RunRecord {
    if (this.#closed) throw new BadRequestError('The server is shutting down; no new runs are accepted');
    const agent = this.#agents.get(request.agent);
    if (agent === undefined) {
      throw new BadRequestError(`Unknown agent '${request.agent}'; available: ${this.#agents.names().join(', ')}`, [
        { path: 'agent', message: `unknown agent '${request.agent}'` },
      ]);
    }
    const raw =
      request.input.kind === 'message'
        ? (agent.fromMessage ?? ((c: string) => c))(request.input.content)
        : request.input.value;
    const parsed = agent.input.safeParse(raw);
    if (!parsed.success) {
      throw new BadRequestError(
        `Invalid input for agent '${agent.name}'`,
        parsed.error.issues.map((i) => ({ path: ['input', ...i.path].join('.'), message: i.message })),
      );
    }
    if (request.threadId !== undefined && idProblem(request.threadId) !== undefined) {
      throw new BadRequestError(`threadId is not a valid id: ${idProblem(request.threadId)}`, [
        { path: 'threadId', message: idProblem(request.threadId) ?? '' },
      ]);
    }
    const threadId = (request.threadId ?? newThreadId()) as ThreadId;
    const userId = ctx.userId;
    const threadKey = threadKeyOf(userId, threadId);
    const busy = (this.#threads.get(threadKey) ?? []).length > 0;
    const policy = request.policy ?? this.#limits.threadPolicy;
    if (busy && policy === 'reject') throw new ThreadBusyError(threadId);
    const queue = this.#queueOf(userId);
    // Runs that will start on the next turn do not count as waiting.
    const freeSlots = Math.max(0, this.#limits.maxConcurrentRunsPerUser - queue.running.size);
    if (queue.waiting.length - freeSlots >= this.#limits.maxQueuedRunsPerUser) {
      throw new TooManyRunsError(this.#limits.maxQueuedRunsPerUser);
    }
    const record = this.#tracker.create({
      userId,
      threadId,
      agentName: agent.name,
      ...(agent.timeoutMs === undefined ? {} : { timeoutMs: agent.timeoutMs }),
      ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
    });
    if (busy && policy === 'interrupt') {
      this.dispatchNow();
      for (const runId of [...(this.#threads.get(threadKey) ?? [])]) this.#tracker.cancel(runId, 'interrupted');
    }
    const threadRuns = this.#threads.get(threadKey) ?? [];
    threadRuns.push(record.runId);
    this.#threads.set(threadKey, threadRuns);
    queue.waiting.push({ record, input: parsed.data, announced: false, admission: 'none' });
    if (!this.#rotation.includes(userId)) this.#rotation.push(userId);
    this.#scheduleDrain();
    return record;
  }

  /** Stops accepting runs (shutdown). Waiting runs stay until cancelled. */
  close(): void {
    if (this.#closed) return;
    // Accepted runs start or are announced before shutdown cancels them, so their events begin as rule 1 says.
    this.dispatchNow();
    this.#announce(() => true);
    this.#closed = true;
    this.#detached = true;
    this.#unsubscribeCancel();
    this.#unsubscribeRetry();
  }

  /**
   * Runs a dispatch that is due on a later turn now, so every accepted run has either started (`agent_started`) or
   * been announced (`run_queued`). Called before a waiting run is stopped: a run accepted on this turn and stopped on
   * the same turn would otherwise end with a lone `agent_cancelled` (docs/protocol.md §3, rule 1).
   */
  dispatchNow(): void {
    if (!this.#drainScheduled) return;
    this.#drainScheduled = false;
    this.#drain();
  }

  #queueOf(userId: string): UserQueue {
    let q = this.#users.get(userId);
    if (q === undefined) {
      q = { waiting: [], running: new Set(), refused: false, admitting: 0 };
      this.#users.set(userId, q);
    }
    return q;
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setImmediate(() => {
      this.#drainScheduled = false;
      this.#drain();
    });
  }

  /** Whether `w` is the oldest non-terminal run of its thread. */
  #headOfThread(w: Waiting): boolean {
    const runs = this.#threads.get(threadKeyOf(w.record.userId, w.record.threadId));
    return runs?.[0] === w.record.runId;
  }

  #drain(): void {
    // After close() nothing starts: shutdown cancels what is left (and a cancelled run must not be started).
    if (this.#closed) return;
    // Runs granted a cluster slot start first: they were counted against both caps when they asked.
    for (const userId of this.#servingOrder()) {
      const q = this.#users.get(userId);
      if (q === undefined) continue;
      for (const w of q.waiting.filter((x) => x.admission === 'granted')) this.#start(userId, q, w);
    }
    // Round-robin: each pass gives every user with a startable run one start (or one slot asked for), until nothing
    // more can start.
    let progress = true;
    while (progress && this.#running + this.#admitting < this.#limits.maxConcurrentRuns) {
      progress = false;
      for (const userId of this.#servingOrder()) {
        if (this.#running + this.#admitting >= this.#limits.maxConcurrentRuns) break;
        const q = this.#users.get(userId);
        if (q !== undefined && this.#serveOne(userId, q)) progress = true;
      }
    }
    this.#announceWaiting();
    this.#rotation = this.#rotation.filter((u) => (this.#users.get(u)?.waiting.length ?? 0) > 0);
  }

  /**
   * One turn of a user: the first run at the head of its thread starts, or with admission asks the cluster for a slot
   * (none while the user is refused) and starts at the dispatch after the grant. False when the user has none to
   * start or is at the cap (runs asking or granted count as running).
   */
  #serveOne(userId: string, q: UserQueue): boolean {
    if (q.running.size + q.admitting >= this.#limits.maxConcurrentRunsPerUser) return false;
    if (this.#admission !== undefined && q.refused) return false;
    const w = q.waiting.find((x) => x.admission === 'none' && this.#headOfThread(x));
    if (w === undefined) return false;
    if (this.#admission === undefined) this.#start(userId, q, w);
    else this.#ask(this.#admission, q, w);
    return true;
  }

  #start(userId: string, q: UserQueue, w: Waiting): void {
    q.waiting.splice(q.waiting.indexOf(w), 1);
    if (w.admission !== 'none') this.#settled(q);
    q.running.add(w.record.runId);
    this.#running++;
    this.#lastServed.set(userId, ++this.#serial);
    this.#runner.start(w.record, w.input);
  }

  #ask(admission: RunAdmission, q: UserQueue, w: Waiting): void {
    w.admission = 'asking';
    q.admitting++;
    this.#admitting++;
    const settle = (granted: boolean): void => {
      // A run that ended meanwhile is gone (its lease's release frees the slot it may have got).
      if (!q.waiting.includes(w)) return;
      if (granted) {
        w.admission = 'granted';
      } else {
        w.admission = 'none';
        this.#settled(q);
        q.refused = true;
      }
      this.#scheduleDrain();
    };
    admission.admit(w.record.userId, w.record.runId).then(settle, () => settle(true));
  }

  /** A run of `q` no longer asks for or holds an unused slot. */
  #settled(q: UserQueue): void {
    q.admitting--;
    this.#admitting--;
  }

  /** Whether the run waits here and has not been announced yet (its dispatch is due on a later turn). */
  #isUnannounced(runId: string): boolean {
    const userId = this.#tracker.get(runId)?.userId;
    const q = userId === undefined ? undefined : this.#users.get(userId);
    return q?.waiting.some((w) => w.record.runId === runId && !w.announced) ?? false;
  }

  /** Users with waiting runs, least recently served first (never served: first, in arrival order). */
  #servingOrder(): string[] {
    return [...this.#rotation].sort((a, b) => (this.#lastServed.get(a) ?? 0) - (this.#lastServed.get(b) ?? 0));
  }

  /**
   * Emits `run_queued` once for every run that could not start at once; a run waiting for the cluster's answer is
   * announced only if refused (under the cap it is granted at once, and its events begin with `agent_started`).
   */
  #announceWaiting(): void {
    this.#announce((w) => w.admission === 'none');
    for (const [userId, q] of this.#users) {
      if (q.waiting.length === 0 && q.running.size === 0) {
        this.#users.delete(userId);
        this.#lastServed.delete(userId);
      }
    }
  }

  /** Emits `run_queued` once for each waiting run that `which` selects. */
  #announce(which: (w: Waiting) => boolean): void {
    for (const q of this.#users.values()) {
      q.waiting.forEach((w, i) => {
        if (w.announced || !which(w)) return;
        w.announced = true;
        const reason = this.#headOfThread(w) ? 'user_concurrency' : 'thread_busy';
        void this.#publisher.emit(w.record, { type: 'run_queued', status: 'pending', reason, position: i + 1 });
      });
    }
  }

  /** The scheduler's part of a run's ending (called by `RunLifecycle`): frees its thread and user slot, then drains. */
  runEnded(record: RunRecord): void {
    if (this.#detached) return;
    const threadKey = threadKeyOf(record.userId, record.threadId);
    const runs = this.#threads.get(threadKey);
    if (runs !== undefined) {
      const rest = runs.filter((id) => id !== record.runId);
      if (rest.length === 0) this.#threads.delete(threadKey);
      else this.#threads.set(threadKey, rest);
    }
    const q = this.#users.get(record.userId);
    if (q !== undefined) {
      if (q.running.delete(record.runId)) this.#running--;
      // A slot of the user may be free again.
      q.refused = false;
      const i = q.waiting.findIndex((w) => w.record.runId === record.runId);
      const [gone] = i >= 0 ? q.waiting.splice(i, 1) : [];
      if (gone !== undefined && gone.admission !== 'none') this.#settled(q);
    }
    this.#scheduleDrain();
  }
}

/** Key of a thread in the scheduler's maps: threads are per user, so the same thread id of two users never meets. */
function threadKeyOf(userId: string, threadId: string): string {
  return `${userId}\u0000${threadId}`;
}
