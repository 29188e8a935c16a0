export * from './cost';
export * from './model-catalogue';
export * from './provider-registry';
export * from './plugin-loader';
export * from './providers.module';
export * from './plugin-check';
