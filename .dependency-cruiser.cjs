/**
 * The house's import rules, checked by `npm run deps` in `npm test`: no import circles, packages depend only on what
 * they declare (the checker on nothing of the server), and inside the server lower layers never import upper ones.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const SRC = '^packages/runwire/src/';

/**
 * The server's layers, lowest first. A module may import its own layer and the layers below it, never one above:
 * contracts do not know their backends, the run machinery does not know the network edge, and only the top layer
 * (the server, the CLI, the entry points) joins everything.
 */
const LAYERS = [
  ['base', `${SRC}((errors|ids|clock|duration|logger|rate-limited-log|keyed-queue)\\.ts$|config/defaults\\.ts$)`],
  ['context and auth', `${SRC}(context|auth)/`],
  ['tracker', `${SRC}tracker/`],
  ['protocol', `${SRC}protocol/`],
  ['store contracts', `${SRC}stores/[^/]+\\.ts$`],
  ['store backends', `${SRC}stores/(memory|sqlite|redis)/`],
  ['agents', `${SRC}agents/`],
  ['runs', `${SRC}runs/`],
  ['routing', `${SRC}routing/`],
  ['quality', `${SRC}quality/`],
  ['server config', `${SRC}config/(server-config|server-options)\\.ts$`],
  ['runtime builder', `${SRC}runtime/`],
  ['network edge', `${SRC}(gateway|http)/`],
  [
    'top',
    `${SRC}((server|server-assembly|embedded-server|fastify-plugin|create-server|index|compat|sqlite|redis)\\.ts$|cli/)`,
  ],
];

const layerRules = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `layer-${name.replaceAll(' ', '-')}`,
  severity: 'error',
  comment: `The ${name} layer imports only its own layer and those below it (${LAYERS.slice(i + 1)
    .map(([above]) => above)
    .join(', ')} are above it).`,
  from: { path },
  to: {
    path: LAYERS.slice(i + 1)
      .map(([, above]) => `(${above})`)
      .join('|'),
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'backends-stand-alone',
      severity: 'error',
      comment:
        'A store backend imports the contracts, not another backend (the in-process bus is shared by every single-node backend).',
      from: { path: `${SRC}stores/(memory|sqlite|redis)/` },
      to: {
        path: `${SRC}stores/(memory|sqlite|redis)/`,
        pathNot: [`${SRC}stores/$1/`, `${SRC}stores/memory/in-process-bus\\.ts$`],
      },
    },
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
