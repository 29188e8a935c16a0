import { gatewayConfigSchema, GatewayConfig } from '../../src/config/config.schema';
import { ModelCatalogue } from '../../src/providers/model-catalogue';

/** The simulated models of the test fixture, one per layer. */
export const SIM_MODELS = ['sim-fast', 'sim-balanced', 'sim-deep'] as const;

/** The default config, with the simulated provider's three models in the catalogue. */
export function configWithModels(mutate?: (c: GatewayConfig) => void): GatewayConfig {
  const layers = ['fast', 'balanced', 'deep'] as const;
  const cfg = gatewayConfigSchema.parse({
    providers: [{ id: 'sim', plugin: 'simulated' }],
    models: SIM_MODELS.map((id, i) => ({ id, provider: 'sim', layer: layers[i], price: { input: 1, output: 1 } })),
  });
  mutate?.(cfg);
  return cfg;
}

/** The catalogue of configWithModels(). */
export function simCatalogue(): ModelCatalogue {
  return new ModelCatalogue(configWithModels());
}
