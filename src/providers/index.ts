export * from './cost';
export * from './model-catalogue.service';
export * from './provider-registry.service';
export * from './plugin-loader';
export * from './providers.module';
