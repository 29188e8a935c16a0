import { Module } from '@nestjs/common';
import { ModelCatalogue } from './model-catalogue';
import { ModelReadiness } from './model-readiness';
import { ProviderRegistry } from './provider-registry';
import { ProvidersTools } from './providers.tools';

/** Provider plugins (loaded dynamically by name) and the model catalogue; knows the SDK and the config, not the router. */
@Module({
  providers: [ProviderRegistry, ModelCatalogue, ModelReadiness, ProvidersTools],
  exports: [ProviderRegistry, ModelCatalogue, ModelReadiness],
})
export class ProvidersModule {}
