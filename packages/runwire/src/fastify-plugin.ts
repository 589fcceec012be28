import type { FastifyInstance } from 'fastify';
import { type CreateServerOptions, createHandler } from './create-server.js';

/**
 * Runwire inside an existing fastify app: `app.register(runwireFastifyPlugin, { ...createServer's options })`. Runwire
 * answers its own paths (the socket at `/ws`, `/api/…`, `/health`, `/metrics`, …; see `createHandler`) before the
 * app's routes, every other request goes on to the app, and the app's `close()` closes Runwire gracefully first.
 * Registered at the app's root whatever the plugin scope (its paths are not prefixed).
 *
 * @example
 * const app = Fastify();
 * app.get('/hello', async () => 'hi');
 * await app.register(runwireFastifyPlugin, { store: 'memory', jwtSecret, agents: [myAgent] });
 * await app.listen({ port: 3000 });
 */
export async function runwireFastifyPlugin(app: FastifyInstance, options: CreateServerOptions): Promise<void> {
  const runwire = await createHandler(options);
  app.addHook('onRequest', (req, reply, done) => {
    // Hijacked, the app's fastify leaves the request alone (no body parsing, no handler, no reply of its own).
    if (runwire.handleRequest(req.raw, reply.raw)) reply.hijack();
    done();
  });
  app.server.on('upgrade', (req, socket, head) => {
    // Another listener may own the app's other WebSocket paths; with none, nobody would ever answer the socket.
    if (!runwire.handleUpgrade(req, socket, head) && app.server.listenerCount('upgrade') === 1) socket.destroy();
  });
  app.addHook('preClose', async () => {
    await runwire.close();
  });
}

// What `fastify-plugin` does, without the dependency: the hooks apply to the whole app, not an encapsulated scope.
Object.assign(runwireFastifyPlugin, { [Symbol.for('skip-override')]: true });
