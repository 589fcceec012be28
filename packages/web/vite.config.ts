import { defineConfig } from 'vite';

// Static files for `runwire serve`: hashed names under assets/ (served immutable), no inline script (the page's CSP
// has no 'unsafe-inline'), no module-preload polyfill (it would be inlined).
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
