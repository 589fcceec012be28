// A connection storm, run as its own process by `runLoadClient` (load-probes.ts: why a process, at low priority).
// Opens `count` sockets at once with one user's token, waits until each one opened or was refused, holds them for
// `holdMs`, closes them and writes a summary (outcome → count) as JSON on stdout. Options: JSON in argv[2].
import WebSocket from 'ws';

const { wsUrl, token, count, holdMs, timeoutMs } = JSON.parse(process.argv[2]);
const sockets = [];
const outcomes = await Promise.all(
  Array.from(
    { length: count },
    () =>
      new Promise((resolve) => {
        const socket = new WebSocket(wsUrl, {
          headers: { authorization: `Bearer ${token}` },
          perMessageDeflate: false,
        });
        sockets.push(socket);
        const timer = setTimeout(() => resolve('timeout'), timeoutMs);
        const done = (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        };
        socket.once('open', () => done('101'));
        socket.once('unexpected-response', (_req, res) => {
          done(String(res.statusCode));
          socket.terminate();
        });
        socket.once('error', (error) => done(`error:${error.code ?? error.message}`));
      }),
  ),
);
await new Promise((resolve) => setTimeout(resolve, holdMs));
for (const socket of sockets) socket.terminate();
const byOutcome = {};
for (const outcome of outcomes) byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
process.stdout.write(JSON.stringify(byOutcome));
