// Dependency rules of SPEC section 2, checked by `npm run depcheck` (CI) and test/dependency-rules.e2e-spec.ts.
// Arrows point from importer to imported. Specs (*.spec.ts) are left out: they may wire anything.

/** The modules that keep records: they know nothing of routing, the optimizer or any transport. */
const RECORD_KEEPING = [
  'analytics',
  'bug-patterns',
  'heuristics',
  'metrics',
  'model-performance',
  'optimizer-runs',
  'recording',
  'regression-tests',
  'request-log',
].join('|');

/** What a module may take from src/tools/: the declaration API, not the REST or MCP doors. */
const TOOL_DECLARATION = '^src/tools/(tool[.]decorator|tool[.]types|schema-helpers)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'plugins-use-only-the-sdk',
      comment: 'A plugin imports the SDK package and its own files only, so it can be published to npm as it is.',
      severity: 'error',
      from: { path: '^plugins/([^/]+)/' },
      to: { path: '^(src|bench|test|libs/console-ui)/|^plugins/', pathNot: ['^plugins/$1/'] },
    },
    {
      name: 'plugins-use-the-sdk-by-its-package-name',
      comment:
        'The SDK by name (@ai-mcp-gateway/provider-sdk or its /testing entry), never by a relative path into its files.',
      severity: 'error',
      from: { path: '^plugins/' },
      to: { path: '^libs/provider-sdk/', dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'plugins-use-the-sdk-entries-only',
      comment: 'Only the SDK entry points are public: its index and its testing entry.',
      severity: 'error',
      from: { path: '^plugins/' },
      to: { path: '^libs/provider-sdk/', pathNot: '^libs/provider-sdk/src/(testing/)?index[.]ts$' },
    },
    {
      name: 'libs-import-nothing-of-the-gateway',
      comment:
        'A lib is a package beside the gateway: it imports nothing from src/, the plugins, the benches or the tests.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(src|plugins|bench|test)/' },
    },
    {
      name: 'libs-use-each-other-by-package-name',
      comment:
        'One lib takes another by its package name (@ai-mcp-gateway/...), never by a relative path into its files.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: '^libs/$1/', dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'gateway-uses-libs-by-package-name',
      comment: 'The gateway takes a lib by its package name, as its compiled output resolves it (node_modules).',
      severity: 'error',
      from: { path: '^(src|bench)/' },
      to: { path: '^libs/', dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'sdk-imports-no-other-lib',
      comment: 'libs/provider-sdk is published on its own: it imports no other lib (the console nor its contract).',
      severity: 'error',
      from: { path: '^libs/provider-sdk/' },
      to: { path: '^libs/', pathNot: '^libs/provider-sdk/' },
    },
    {
      name: 'console-ui-takes-only-the-contract',
      comment: 'The SPA shares the console contract (types) with the gateway and no other lib.',
      severity: 'error',
      from: { path: '^libs/console-ui/' },
      to: { path: '^libs/', pathNot: '^libs/(console-ui|console-contract)/' },
    },
    {
      name: 'record-keeping-knows-no-routing-optimizer-or-transport',
      comment:
        'Record-keeping modules are used by routing and the optimizer through their services, never the other way; ' +
        'they declare tools but do not reach the REST or MCP doors.',
      severity: 'error',
      from: { path: `^src/(${RECORD_KEEPING})/`, pathNot: '[.]spec[.]ts$' },
      to: {
        path: [
          '^src/(routing|optimizer|console|bootstrap)/',
          '^src/tools/',
          'node_modules/(@modelcontextprotocol|express|@nestjs/platform-express)/',
        ],
        pathNot: TOOL_DECLARATION,
      },
    },
    {
      name: 'console-contract-is-pure',
      comment: 'The console SPA imports the contract too: zod and the contract files only (no Node, Nest or ORM).',
      severity: 'error',
      from: { path: '^libs/console-contract/' },
      to: { pathNot: ['^libs/console-contract/', 'node_modules/zod/'] },
    },
    {
      name: 'providers-know-no-router',
      comment: 'providers/ knows the SDK and the config, not the router.',
      severity: 'error',
      from: { path: '^src/providers/', pathNot: '[.]spec[.]ts$' },
      to: { path: '^src/(routing|optimizer)/' },
    },
    {
      name: 'tools-import-no-feature-module',
      comment: 'tools/ finds tools by their decorator at start; adding a tool never touches tools/.',
      severity: 'error',
      from: { path: '^src/tools/', pathNot: '[.]spec[.]ts$' },
      to: { path: '^src/', pathNot: '^src/(tools|common|config|errors)/' },
    },
    {
      name: 'database-imports-no-feature',
      comment: 'database/ imports no feature folder: each module registers its own entities.',
      severity: 'error',
      from: { path: '^src/database/', pathNot: '[.]spec[.]ts$' },
      to: { path: '^src/', pathNot: '^src/(database|common|config|errors)/' },
    },
    {
      name: 'only-repositories-touch-the-database',
      comment:
        'SQL and entity-manager calls live in *.repository.ts (and database/ itself); entities may use the ORM ' +
        'decorators; others may name the types but not call into the ORM.',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: [
          '^src/database/',
          '[.]repository[.]ts$',
          '[.]entity[.]ts$',
          '[.]spec[.]ts$',
          '^src/bootstrap/database[.]ts$',
        ],
      },
      to: {
        path: ['node_modules/(@mikro-orm|knex|pg|@electric-sql/pglite|mikro-orm-pglite)/', '^src/database/query[.]ts$'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'no-circular-modules',
      comment: 'No import cycle between files.',
      severity: 'error',
      from: { path: '^(src|libs|plugins)/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      comment: 'Folders must not depend on each other in a cycle.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(src|libs|plugins)/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a typo would otherwise hide a dependency).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^(bun|deno):' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Specs may wire anything (test helpers open databases, start apps); the rules are about the product.
    exclude: { path: ['(^|/)(dist|node_modules|coverage)/', '^test/', '[.](e2e-)?spec[.]ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
