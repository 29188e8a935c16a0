/** Unit specs sit beside the code (*.spec.ts); end-to-end specs live in test/ (*.e2e-spec.ts). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/libs', '<rootDir>/plugins', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: { ...require('./tsconfig.json').compilerOptions, isolatedModules: true }, diagnostics: false },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Specs run the SDK and the console contract from their sources (as tsconfig "paths" does for the type
  // check), not their compiled dist/.
  moduleNameMapper: {
    '^@ai-mcp-gateway/console-contract$': '<rootDir>/libs/console-contract/src/index.ts',
    '^@ai-mcp-gateway/provider-sdk$': '<rootDir>/libs/provider-sdk/src/index.ts',
    '^@ai-mcp-gateway/provider-sdk/testing$': '<rootDir>/libs/provider-sdk/src/testing/index.ts',
  },
  // Build output of the workspace packages: never a spec, never a module to load in-process.
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/libs/[^/]+/dist/', '<rootDir>/plugins/[^/]+/dist/'],
  testTimeout: 60000,
  // PGlite (and the MCP SDK) load parts of themselves with import(); jest needs the VM modules flag for that.
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};
