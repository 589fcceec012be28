/**
 * The house's import rules, checked by `npm run deps` in `npm test`: no import circles, packages depend only on what
 * they declare (the checker on nothing of the server), and inside the server lower layers never import upper ones.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: the modules cannot be understood, tested or loaded one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'check-is-standalone',
      severity: 'error',
      comment: '@runwire/check must not depend on the server (nor on anything native it brings).',
      from: { path: '^packages/check/' },
      to: { path: '^packages/runwire/|node_modules/(better-sqlite3|fastify|ioredis|ws|pino|jose|prom-client)/' },
    },
    {
      name: 'no-deep-package-imports',
      severity: 'error',
      comment:
        "A package uses another only through its public entry point (its package.json 'exports'). Exception: the client's and the page's tests start a real server from the server's own sources and test helpers.",
      from: { path: '^packages/([^/]+)/', pathNot: '^packages/(client|web)/(test|bench)/' },
      to: { path: '^packages/([^/]+)/', pathNot: '^packages/$1/' },
    },
    {
      name: 'client-runs-anywhere',
      severity: 'error',
      comment:
        '@runwire/client runs in browsers: nothing Node-only (node:*, ws, any Node built-in) and no other package at run time (type-only imports of runwire vanish at build and are allowed).',
      from: { path: '^packages/client/src/' },
      to: {
        dependencyTypesNot: ['type-only'],
        path: '^(node:|packages/(?!client/)|node_modules/)',
      },
    },
    {
      name: 'client-no-node-builtins',
      severity: 'error',
      comment: '@runwire/client must not import Node built-ins, even for types.',
      from: { path: '^packages/client/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'web-runs-in-browsers',
      severity: 'error',
      comment: 'The chat page runs in browsers: no Node built-ins, and the server only through @runwire/client.',
      from: { path: '^packages/web/src/' },
      to: { path: '^(node:|packages/runwire/|node_modules/(ws|better-sqlite3|fastify|ioredis|pino)/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|fixtures)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
