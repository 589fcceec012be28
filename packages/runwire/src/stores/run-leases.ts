/**
 * Run leases for many nodes on one store (DESIGN.md "Ports and adapters"): the node that executes a run holds a lease
 * on it and renews it while the run goes on. A lease that is not renewed expires; a surviving node then claims the run
 * (exactly once, however many nodes race) and marks it `dead`. Each lease carries a fencing token that grows across
 * the cluster, so a stale holder can be told apart from the current one.
 *
 * The same leases back the cluster-wide per-user concurrency cap: a user slot belongs to a leased run and is freed
 * when the lease is released, claimed or expires, so a dead node never keeps a user's slots.
 *
 * Single-node stores need none of this; the Redis store implements it.
 */
export interface RunLeases {
  /**
   * Takes (or re-takes, for the same node) the lease of a run for `ttlMs` and returns its fencing token: greater than
   * every token handed out before, on any node.
   * @throws LeaseConflictError when another node holds a live lease on the run, or the run was claimed as dead.
   */
  acquireLease(runId: string, nodeId: string, ttlMs: number): Promise<number>;
  /**
   * Extends the leases `nodeId` holds on `runIds` to `now + ttlMs`. Returns the run ids whose lease is no longer this
   * node's (released, claimed as dead, or never taken): the node should stop working on those runs.
   */
  renewLeases(nodeId: string, runIds: readonly string[], ttlMs: number): Promise<string[]>;
  /** Gives up a lease (the run ended on its node) and frees its user slot. False when `token` no longer holds it. */
  releaseLease(runId: string, token: number): Promise<boolean>;
  /** Run ids whose lease expired at or before `now` and that no node has claimed yet. */
  expiredLeases(now: number): Promise<string[]>;
  /**
   * Claims a run whose lease expired, to mark it `dead`. True for exactly one caller across the cluster; false when
   * the lease is live again, was released, or another node claimed it first.
   */
  claimDeadRun(runId: string): Promise<boolean>;
  /**
   * Takes one of the user's at most `limit` concurrency slots for a run whose lease this store holds. True when the
   * run holds a slot (also when it already held it); false when the user is at the cap across the cluster, or the
   * run has no live lease.
   */
  acquireUserSlot(userId: string, runId: string, limit: number): Promise<boolean>;
  /** How many of the user's slots are held by runs with a live lease, across the cluster. */
  userSlotCount(userId: string): Promise<number>;
}
