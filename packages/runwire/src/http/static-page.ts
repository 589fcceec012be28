import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The chat page's Content-Security-Policy: only the page's own scripts, styles and socket; no inline script, no
 * eval, no plugin, no framing, and images only from itself (a Markdown answer cannot load anything from elsewhere).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** A built asset's name: Vite's `name-hash.ext`, nothing that could climb out of the folder. */
const ASSET_NAME = /^[\w-]+\.[a-z0-9]+$/i;

/**
 * Where the built chat page is: `@runwire/web`'s `dist/` (resolved through its package.json, so it works from the
 * workspace and from node_modules), or `undefined` when the package or its build is missing.
 */
export async function findWebRoot(): Promise<string | undefined> {
  try {
    const pkg = createRequire(import.meta.url).resolve('@runwire/web/package.json');
    const root = join(dirname(pkg), 'dist');
    await stat(join(root, 'index.html'));
    return root;
  } catch {
    return undefined;
  }
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', PAGE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin');
}

/**
 * Serves the chat page at `/`: `index.html` is `no-cache` (always revalidated, so a new build shows at once), the
 * hashed files under `/assets/` are `immutable` for a year. Every answer carries the strict CSP. Without a built
 * page, `/` answers 404 saying how to build it.
 */
export function registerStaticPage(app: FastifyInstance, deps: { readonly root: string | undefined }): void {
  const { root } = deps;
  const sendIndex = async (reply: FastifyReply): Promise<FastifyReply> => {
    if (root === undefined) {
      return reply.code(404).send({
        error: {
          code: 'not_found',
          message: 'The chat page is not built: run `npm run build` (it builds @runwire/web), then restart',
        },
      });
    }
    const html = await readFile(join(root, 'index.html'));
    return securityHeaders(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  };
  app.get('/', (_req, reply) => sendIndex(reply));
  app.get('/index.html', (_req, reply) => sendIndex(reply));
  app.get<{ Params: { name: string } }>('/assets/:name', async (req, reply) => {
    const { name } = req.params;
    const type = TYPES[extname(name).toLowerCase()];
    if (root === undefined || !ASSET_NAME.test(name) || type === undefined) {
      return reply.code(404).send({ error: { code: 'not_found', message: `No asset '${name}'` } });
    }
    let body: Buffer;
    try {
      body = await readFile(join(root, 'assets', name));
    } catch {
      return reply.code(404).send({ error: { code: 'not_found', message: `No asset '${name}'` } });
    }
    return securityHeaders(reply).header('cache-control', 'public, max-age=31536000, immutable').type(type).send(body);
  });
}
