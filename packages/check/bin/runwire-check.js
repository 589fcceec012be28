#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm run build`).
import { main } from '../dist/main.js';

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
    process.stderr.write(`runwire-check: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
