#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli (built by `npm run build`, run on `npm install`).
// Refused before any module loads: an older Node fails later and less clearly (on Node 20, SQLite crashes the process instead of saying why).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `runwire: Node.js 22.12 or newer is needed, this is ${process.version}. Install Node 24 (nvm install 24), or on ` +
      'Linux x64 in a clone of Runwire: . scripts/use-node.sh 24 (see "An older Node?" in its README)\n',
  );
  process.exit(1);
}
const { main } = await import('../dist/cli/main.js');

// A reader that goes away early (`runwire --help | head -1`) is not an error: stop quietly, as other CLIs do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`runwire: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
