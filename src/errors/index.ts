export * from './domain-errors';
export * from './error-status';
export * from './to-domain-error';
