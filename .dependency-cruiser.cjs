/**
 * Import boundaries from DESIGN.md: dependencies point down and never up.
 *   cli, server → use-case areas → storage, domain, lib;  contract imports only zod;  ui imports only contract.
 * Adapters (a SQL dialect, an object store backend) are reached only through their area's registry.
 */
const USE_CASES = 'tracking|registry|artifacts|models|serving|inference|data|pipelines|deploy|monitoring';
const TESTS = '(\\.test|\\.contract)\\.ts$|/testing/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make layering meaningless and initialisation order fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'contract-imports-only-zod',
      severity: 'error',
      comment: 'contract/ holds isomorphic wire schemas shared with the browser: zod and itself only.',
      from: { path: '^src/contract/', pathNot: TESTS },
      to: { pathNot: ['^src/contract/', '^node_modules/zod/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'lib-is-domain-free',
      severity: 'error',
      comment: 'lib/ holds small generic helpers; it knows nothing of Slipway.',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ imports only domain/, lib/ and contract/.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/(domain|lib|contract)/' },
    },
    {
      name: 'domain-no-node-io',
      severity: 'error',
      comment: 'domain/ is pure: no HTTP framework, no drivers, no SDKs.',
      from: { path: '^src/domain/' },
      to: { path: '^node_modules/(fastify|pg|better-sqlite3|kysely|@aws-sdk|commander|pino)' },
    },
    {
      name: 'config-below-edges',
      severity: 'error',
      comment: 'config/ is read by the composition roots; it depends on nothing above domain.',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/(config|domain|lib|contract)/' },
    },
    {
      name: 'storage-below-use-cases',
      severity: 'error',
      comment: 'storage/ is a port layer: it never reaches up into use cases or the edges.',
      from: { path: '^src/storage/' },
      to: { path: `^src/(${USE_CASES}|server|cli|client|config)/` },
    },
    {
      name: 'use-cases-below-edges',
      severity: 'error',
      comment: 'Use-case areas never import the server, the CLI or the HTTP client.',
      from: { path: `^src/(${USE_CASES})/` },
      to: { path: '^src/(server|cli)/' },
    },
    {
      name: 'server-and-cli-apart',
      severity: 'error',
      comment: 'server/ and cli/ never import each other; shared wiring lives in a use case or config/.',
      from: { path: '^src/server/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'cli-does-not-import-server-internals',
      severity: 'error',
      comment: 'The CLI starts the server only through its composition root, server/main.ts.',
      from: { path: '^src/cli/' },
      to: { path: '^src/server/', pathNot: '^src/server/main\\.ts$' },
    },
    {
      name: 'domain-knows-no-http',
      severity: 'error',
      comment: 'The error-code → HTTP status table is read only by the HTTP edges: server/ and serving/http/.',
      from: { path: '^src/', pathNot: ['^src/server/', '^src/serving/http/', '^src/contract/', TESTS] },
      to: { path: '^src/contract/http-status\\.ts$' },
    },
    {
      name: 'sql-dialects-via-registry',
      severity: 'error',
      comment: 'A SQL dialect is loaded lazily by the metadata opener, never imported directly.',
      from: { path: '^src/', pathNot: [`^src/storage/metadata/(open-metadata|dialects/)`, TESTS] },
      to: { path: '^src/storage/metadata/dialects/' },
    },
    {
      name: 'heavy-sdks-stay-in-adapters',
      severity: 'error',
      comment: 'pg, better-sqlite3 and the AWS SDK load only inside their adapter, so the CLI stays fast.',
      from: {
        path: '^src/',
        // the workspace state index (src/data/state/) is a local SQLite file; it loads better-sqlite3 lazily
        pathNot: [
          '^src/storage/metadata/dialects/',
          '^src/storage/objects/s3',
          '^src/data/state/state-index\\.ts$',
          TESTS,
        ],
      },
      to: { path: '^node_modules/(pg|better-sqlite3|@aws-sdk)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ui-imports-only-contract',
      severity: 'error',
      from: { path: '^ui/' },
      to: { path: '^src/', pathNot: '^src/contract/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
