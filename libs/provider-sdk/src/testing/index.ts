// The `@ai-mcp-gateway/provider-sdk/testing` entry: test support for plugin authors, kept out of the
// shipped entry because the conformance kit needs jest at run time and the fake upstream is a test server.
export * from './fake-upstream';
export * from './conformance';
