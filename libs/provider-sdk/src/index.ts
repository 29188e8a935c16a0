export * from './types';
export * from './errors';
export * from './abort';
export * from './sse';
export * from './tokens';
export * from './random';
export * from './stream';
export * from './validate';
export * from './options';
export * from './http';
export * from './http-provider';
export * from './fake-upstream';
// The conformance kit is imported from './conformance' by spec files only: it needs jest at run time.
