// Prints the built page's weight: every file of dist/ raw and gzipped (what a first visit downloads).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else files.push(full);
  }
};
walk(dist);
let raw = 0;
let gzipped = 0;
for (const file of files) {
  const body = readFileSync(file);
  raw += body.length;
  gzipped += gzipSync(body, { level: 9 }).length;
}
console.log(`@runwire/web: ${files.length} files, ${raw} bytes, ${gzipped} bytes gzipped`);
if (gzipped > 60 * 1024) {
  console.error('over the 60 KB budget');
  process.exit(1);
}
