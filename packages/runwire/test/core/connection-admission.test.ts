import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AdmissionLimits,
  type AdmissionRefusal,
  type AdmissionTicket,
  ConnectionAdmission,
} from '../../src/gateway/connection-admission.js';
import { TurnSpreader } from '../../src/gateway/turn-spreader.js';

const LIMITS: AdmissionLimits = {
  maxHandshakes: 2,
  maxHandshakesPerIp: 3,
  maxHandshakesPerUser: 2,
  maxConnectionsPerIp: 5,
  maxConnectionsPerUser: 3,
};

function ticket(result: AdmissionTicket | AdmissionRefusal): AdmissionTicket {
  if (result.refused) throw new Error(`refused: ${result.message}`);
  return result;
}

/** Lets the pending `setImmediate` turns (and the promise jobs they start) run. */
async function turns(): Promise<void> {
  for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('ConnectionAdmission', () => {
  it('starts at most maxHandshakes at once and serves the waiting ones round-robin across addresses', async () => {
    const admission = new ConnectionAdmission({ ...LIMITS, maxHandshakesPerIp: 10 });
    const started: string[] = [];
    const tickets = new Map<string, AdmissionTicket>();
    const take = (ip: string, name: string): void => {
      const t = ticket(admission.enter(ip));
      tickets.set(name, t);
      void t.turn.then(() => started.push(name));
    };
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) take('10.0.0.1', name);
    take('10.0.0.2', 'b1');
    await turns();
    assert.deepEqual(started, ['a1', 'a2']);
    assert.deepEqual(admission.stats(), { handshaking: 2, waiting: 4, addresses: 2, users: 0 });
    tickets.get('a1')?.opened();
    tickets.get('a2')?.release();
    await turns();
    // The flooding address gets one turn, then the other address: b1 waits behind one of a's, not behind all of them.
    assert.deepEqual(started, ['a1', 'a2', 'a3', 'b1']);
    tickets.get('a3')?.release();
    tickets.get('b1')?.release();
    await turns();
    assert.deepEqual(started, ['a1', 'a2', 'a3', 'b1', 'a4', 'a5']);
  });

  it('refuses an address past its handshakes before any verification, and frees the slot when one ends', () => {
    const admission = new ConnectionAdmission(LIMITS);
    const held = [admission.enter('10.0.0.1'), admission.enter('10.0.0.1'), admission.enter('10.0.0.1')].map(ticket);
    const refused = admission.enter('10.0.0.1');
    assert.deepEqual(refused, {
      refused: true,
      message: 'Too many connection attempts from your address at once (at most 3); retry in a moment',
    });
    assert.equal(admission.enter('10.0.0.2').refused, false, 'another address is not affected');
    held[0]?.release();
    assert.equal(admission.enter('10.0.0.1').refused, false);
  });

  it('counts open connections per address and per user, and forgets them once released', () => {
    const admission = new ConnectionAdmission({ ...LIMITS, maxHandshakes: 100, maxHandshakesPerIp: 100 });
    const open: AdmissionTicket[] = [];
    for (let i = 0; i < 3; i++) {
      const t = ticket(admission.enter('10.0.0.1'));
      assert.equal(admission.admitUser(t, 'alice'), undefined);
      t.opened();
      open.push(t);
    }
    const fourth = ticket(admission.enter('10.0.0.1'));
    assert.deepEqual(admission.admitUser(fourth, 'alice'), {
      refused: true,
      message: 'Too many open connections for this user (at most 3); close some first',
    });
    fourth.release();
    const bob = ticket(admission.enter('10.0.0.1'));
    assert.equal(admission.admitUser(bob, 'bob'), undefined, 'the per-user limit is per user');
    bob.opened();
    ticket(admission.enter('10.0.0.1')).opened();
    assert.deepEqual(admission.enter('10.0.0.1'), {
      refused: true,
      message: 'Too many open connections from your address (at most 5); close some first',
    });
    for (const t of open) {
      t.release();
      t.release(); // idempotent
    }
    assert.equal(admission.stats().users, 1, 'alice is forgotten once her connections are gone');
    assert.equal(admission.enter('10.0.0.1').refused, false);
  });

  it('refuses a user with too many handshakes in progress', () => {
    const admission = new ConnectionAdmission({ ...LIMITS, maxHandshakes: 100, maxHandshakesPerIp: 100 });
    const first = ticket(admission.enter('10.0.0.1'));
    const second = ticket(admission.enter('10.0.0.2'));
    const third = ticket(admission.enter('10.0.0.3'));
    assert.equal(admission.admitUser(first, 'alice'), undefined);
    assert.equal(admission.admitUser(second, 'alice'), undefined);
    assert.match(
      admission.admitUser(third, 'alice')?.message ?? '',
      /connection attempts for this user at once \(at most 2\)/,
    );
    first.opened();
    assert.equal(admission.admitUser(third, 'alice'), undefined, 'an open connection no longer counts as a handshake');
  });

  it('drops a waiting upgrade whose socket went away without giving it a turn', async () => {
    const admission = new ConnectionAdmission({ ...LIMITS, maxHandshakes: 1 });
    const running = ticket(admission.enter('10.0.0.1'));
    const gone = ticket(admission.enter('10.0.0.2'));
    let goneStarted = false;
    void gone.turn.then(() => {
      goneStarted = true;
    });
    const next = ticket(admission.enter('10.0.0.3'));
    gone.release();
    running.release();
    await next.turn;
    await turns();
    assert.equal(goneStarted, false);
    assert.deepEqual(admission.stats(), { handshaking: 1, waiting: 0, addresses: 1, users: 0 });
  });
});

describe('TurnSpreader', () => {
  it('runs queued jobs in order, a few per event-loop turn, letting other callbacks run in between', async () => {
    const spreader = new TurnSpreader(2);
    const order: string[] = [];
    for (let i = 1; i <= 5; i++) spreader.push(() => order.push(`job${i}`));
    assert.equal(spreader.size, 5);
    setImmediate(() => order.push('other'));
    await turns();
    assert.deepEqual(order, ['job1', 'job2', 'other', 'job3', 'job4', 'job5']);
    assert.equal(spreader.size, 0);
  });
});
