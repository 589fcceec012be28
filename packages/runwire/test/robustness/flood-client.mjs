// A fault flood, run as its own process by `runLoadClient` (load-probes.ts: why a process, at low priority).
// `attackers` connections send `frame` at `ratePerSecond` each (0: as fast as their sockets drain) for `durationMs`;
// each one reconnects whenever the server closes it. Writes what was sent and answered as JSON on stdout. Options:
// JSON in argv[2].
import WebSocket from 'ws';

const { wsUrl, token, attackers, durationMs, ratePerSecond, frame } = JSON.parse(process.argv[2]);
const deadline = Date.now() + durationMs;
const replies = {};
const closes = {};
let sent = 0;

function attackOnce() {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
    let established = false;
    let started = 0;
    let sentHere = 0;
    const pump = () => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (Date.now() >= deadline) {
        socket.close(1000);
        return;
      }
      if (ratePerSecond > 0) {
        // Paced: one frame every 1000/rate ms, sent in small bursts on a 10 ms tick.
        const due = Math.floor(((Date.now() - started) * ratePerSecond) / 1000) - sentHere;
        for (let i = 0; i < due; i++) {
          socket.send(frame);
          sentHere++;
          sent++;
        }
        setTimeout(pump, 10);
        return;
      }
      for (let i = 0; i < 8 && socket.bufferedAmount < 64 * 1024; i++) {
        socket.send(frame);
        sent++;
      }
      setImmediate(pump);
    };
    socket.on('message', (data) => {
      const reply = JSON.parse(data.toString());
      if (reply.type === 'connection_established') {
        established = true;
        started = Date.now();
        pump();
        return;
      }
      const kind = reply.type === 'error' ? `error:${reply.code}` : reply.type;
      replies[kind] = (replies[kind] ?? 0) + 1;
    });
    socket.on('close', (code) => {
      if (established) closes[code] = (closes[code] ?? 0) + 1;
      resolve();
    });
    socket.on('error', () => {});
  });
}

await Promise.all(
  Array.from({ length: attackers }, async () => {
    while (Date.now() < deadline) await attackOnce();
  }),
);
process.stdout.write(JSON.stringify({ sent, replies, closes }));
