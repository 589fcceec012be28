import { DEFAULTS } from '../config/defaults.js';
import { assertNever } from '../errors.js';

/** Limits of `ConnectionAdmission` (docs/protocol.md §1, "Admission"). */
export interface AdmissionLimits {
  /** Upgrades verified and set up at the same time, over all clients; more wait their turn, fairly across addresses. */
  readonly maxHandshakes: number;
  /** Upgrades of one client address in progress or waiting; more are refused (`429`). */
  readonly maxHandshakesPerIp: number;
  /** Upgrades of one user being set up at the same time (after its token verified); more are refused (`429`). */
  readonly maxHandshakesPerUser: number;
  /** Connections of one client address, open or being opened; more are refused (`429`). */
  readonly maxConnectionsPerIp: number;
  /** Connections of one user, open or being opened; more are refused (`429`). */
  readonly maxConnectionsPerUser: number;
}

/** The defaults of the `--max-handshakes…` and `--max-connections…` flags. */
export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = {
  maxHandshakes: DEFAULTS.maxHandshakes,
  maxHandshakesPerIp: DEFAULTS.maxHandshakesPerIp,
  maxHandshakesPerUser: DEFAULTS.maxHandshakesPerUser,
  maxConnectionsPerIp: DEFAULTS.maxConnectionsPerIp,
  maxConnectionsPerUser: DEFAULTS.maxConnectionsPerUser,
};

/** Why an upgrade is refused: always HTTP `429` with code `rate_limited` and `Retry-After`. */
export interface AdmissionRefusal {
  readonly refused: true;
  readonly message: string;
}

/**
 * Where one upgrade stands: `waiting` for a handshake slot, `handshaking` (verifying its token and setting up),
 * `open` (counted only against the connection limits), `released` (counted nowhere).
 */
type TicketState = 'waiting' | 'handshaking' | 'open' | 'released';

interface Count {
  handshakes: number;
  connections: number;
}

/**
 * Fair admission of WebSocket upgrades under connection storms. Every upgrade takes a ticket before its token is
 * verified: the cheap per-address limits refuse a flood before any verification, at most `maxHandshakes` upgrades
 * verify and set up at once, and waiting upgrades are served round-robin across addresses, each turn starting on a
 * later turn of the event loop, so established connections keep being served between handshakes. Counts only:
 * it never keeps a request or a socket.
 */
export class ConnectionAdmission {
  readonly #limits: AdmissionLimits;
  #handshaking = 0;
  readonly #byIp = new Map<string, Count>();
  readonly #byUser = new Map<string, Count>();
  /** Waiting tickets per address, and the order in which addresses take turns. */
  readonly #queues = new Map<string, AdmissionTicket[]>();

  constructor(limits: AdmissionLimits = DEFAULT_ADMISSION_LIMITS) {
    this.#limits = limits;
  }

  /** Takes a ticket for an upgrade from `ip`, or refuses it when that address already has too many. */
  enter(ip: string): AdmissionTicket | AdmissionRefusal {
    const count = this.#byIp.get(ip) ?? { handshakes: 0, connections: 0 };
    if (count.handshakes >= this.#limits.maxHandshakesPerIp) {
      return refusal(
        `Too many connection attempts from your address at once (at most ${this.#limits.maxHandshakesPerIp}); retry in a moment`,
      );
    }
    if (count.connections >= this.#limits.maxConnectionsPerIp) {
      return refusal(
        `Too many open connections from your address (at most ${this.#limits.maxConnectionsPerIp}); close some first`,
      );
    }
    count.handshakes++;
    count.connections++;
    this.#byIp.set(ip, count);
    const ticket = new AdmissionTicket(this, ip);
    if (this.#handshaking < this.#limits.maxHandshakes) {
      this.#handshaking++;
      ticket.state = 'handshaking';
      ticket.start();
    } else {
      const queue = this.#queues.get(ip);
      if (queue === undefined) this.#queues.set(ip, [ticket]);
      else queue.push(ticket);
    }
    return ticket;
  }

  /** Counts the ticket's verified user; refuses when that user has too many connections or handshakes. */
  admitUser(ticket: AdmissionTicket, userId: string): AdmissionRefusal | undefined {
    const count = this.#byUser.get(userId) ?? { handshakes: 0, connections: 0 };
    if (count.connections >= this.#limits.maxConnectionsPerUser) {
      return refusal(
        `Too many open connections for this user (at most ${this.#limits.maxConnectionsPerUser}); close some first`,
      );
    }
    if (count.handshakes >= this.#limits.maxHandshakesPerUser) {
      return refusal(
        `Too many connection attempts for this user at once (at most ${this.#limits.maxHandshakesPerUser}); retry in a moment`,
      );
    }
    count.handshakes++;
    count.connections++;
    this.#byUser.set(userId, count);
    ticket.userId = userId;
    return undefined;
  }

  /** Upgrades in progress or waiting, and connections counted, for metrics and tests. */
  stats(): { handshaking: number; waiting: number; addresses: number; users: number } {
    let waiting = 0;
    for (const queue of this.#queues.values()) waiting += queue.length;
    return { handshaking: this.#handshaking, waiting, addresses: this.#byIp.size, users: this.#byUser.size };
  }

  /** @internal A ticket's move to `open` or `released`; frees what its old state held. */
  move(ticket: AdmissionTicket, to: 'open' | 'released'): void {
    const from = ticket.state;
    if (from === 'released' || from === to) return;
    ticket.state = to;
    const ip = this.#byIp.get(ticket.ip);
    const user = ticket.userId === undefined ? undefined : this.#byUser.get(ticket.userId);
    switch (from) {
      case 'waiting': {
        const queue = this.#queues.get(ticket.ip);
        const at = queue?.indexOf(ticket) ?? -1;
        if (queue !== undefined && at >= 0) queue.splice(at, 1);
        if (queue?.length === 0) this.#queues.delete(ticket.ip);
        if (ip !== undefined) ip.handshakes--;
        break;
      }
      case 'handshaking':
        this.#handshaking--;
        if (ip !== undefined) ip.handshakes--;
        if (user !== undefined) user.handshakes--;
        this.#next();
        break;
      case 'open':
        break;
      default:
        assertNever(from, 'ticket state');
    }
    if (to === 'released') {
      if (ip !== undefined && --ip.connections === 0 && ip.handshakes === 0) this.#byIp.delete(ticket.ip);
      if (user !== undefined && ticket.userId !== undefined && --user.connections === 0 && user.handshakes === 0) {
        this.#byUser.delete(ticket.userId);
      }
    }
  }

  /** Gives a free handshake slot to the first waiting ticket of the next address in turn. */
  #next(): void {
    if (this.#handshaking >= this.#limits.maxHandshakes) return;
    const first = this.#queues.entries().next();
    if (first.done === true) return;
    const [ip, queue] = first.value;
    const ticket = queue.shift() as AdmissionTicket;
    // Round-robin: this address goes to the back of the line (Map keeps insertion order).
    this.#queues.delete(ip);
    if (queue.length > 0) this.#queues.set(ip, queue);
    this.#handshaking++;
    ticket.state = 'handshaking';
    ticket.start();
  }
}

function refusal(message: string): AdmissionRefusal {
  return { refused: true, message };
}

/** One upgrade's place in `ConnectionAdmission`. `release()` must be called once the upgrade or its socket ends. */
export class AdmissionTicket {
  readonly refused = false;
  readonly ip: string;
  userId: string | undefined;
  state: TicketState = 'waiting';
  /** Resolves when this upgrade may verify its token and set up. */
  readonly turn: Promise<void>;
  readonly #admission: ConnectionAdmission;
  #resolve: (() => void) | undefined;

  constructor(admission: ConnectionAdmission, ip: string) {
    this.#admission = admission;
    this.ip = ip;
    this.turn = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** @internal Called by `ConnectionAdmission` when the ticket gets a handshake slot. */
  start(): void {
    // On a later turn of the event loop: the sockets that are already open get served before this handshake runs.
    setImmediate(() => this.#resolve?.());
  }

  /** The handshake is over and the connection is open: frees the handshake slot, keeps counting the connection. */
  opened(): void {
    this.#admission.move(this, 'open');
  }

  /** The upgrade was refused or the connection closed: frees everything the ticket holds. Idempotent. */
  release(): void {
    this.#admission.move(this, 'released');
  }
}
