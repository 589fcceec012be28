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
      comment: "A package uses another only through its public entry point (its package.json 'exports').",
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/', pathNot: '^packages/$1/' },
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
