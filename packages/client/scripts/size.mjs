// Prints the client's size as a browser app would ship it: bundled from the built dist/index.js with esbuild
// (platform browser, minified, every export kept), then gzipped. Run after `npm run build`.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const result = await build({
  entryPoints: [new URL('../dist/index.js', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
});
const code = result.outputFiles[0].contents;
const gzipped = gzipSync(code, { level: 9 }).length;
console.log(`@runwire/client: ${code.length} bytes minified, ${gzipped} bytes minified+gzipped`);
if (process.argv.includes('--max-gzip')) {
  const max = Number(process.argv[process.argv.indexOf('--max-gzip') + 1]);
  if (gzipped > max) {
    console.error(`over the budget of ${max} bytes`);
    process.exit(1);
  }
}
