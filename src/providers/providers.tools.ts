import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { LAYERS } from '../config/config.schema';
import { Tool } from '../tools/tool.decorator';
import { ModelCatalogue } from './model-catalogue';
import { ProviderRegistry } from './provider-registry';

export const listModelsInput = z.object({
  layer: z.enum(LAYERS).optional().describe('only the models of this layer'),
});

const modelSchema = z.object({
  id: z.string(),
  provider: z.string(),
  upstreamModel: z.string(),
  layer: z.enum(LAYERS),
  price: z.object({ input: z.number(), output: z.number() }).describe('USD per million tokens'),
  contextWindow: z.number().int(),
  strengths: z.array(z.string()),
  available: z.boolean().describe('false when its provider failed to load or is disabled'),
});

export const listModelsOutput = z.object({
  models: z.array(modelSchema),
  providers: z.array(
    z.object({
      id: z.string(),
      plugin: z.string(),
      state: z.enum(['ready', 'failed', 'disabled']),
      error: z.string().optional(),
    }),
  ),
});

@Injectable()
export class ProvidersTools {
  constructor(
    private readonly catalogue: ModelCatalogue,
    private readonly registry: ProviderRegistry,
  ) {}

  @Tool({
    name: 'list_models',
    description:
      'The model catalogue (layer, prices in USD per million tokens, context window) and the state of each provider.',
    input: listModelsInput,
    output: listModelsOutput,
    readOnly: true,
    text: (r) =>
      r.models
        .map(
          (m) =>
            `${m.id} (${m.layer}, ${m.provider}${m.available ? '' : ', unavailable'}) $${m.price.input}/$${m.price.output} per Mtok`,
        )
        .join('\n'),
  })
  async listModels(input: z.infer<typeof listModelsInput>): Promise<z.infer<typeof listModelsOutput>> {
    const models = this.catalogue
      .all()
      .filter((m) => !input.layer || m.layer === input.layer)
      .map((m) => ({
        id: m.id,
        provider: m.provider,
        upstreamModel: m.upstreamModel,
        layer: m.layer,
        price: { ...m.price },
        contextWindow: m.contextWindow,
        strengths: [...m.strengths],
        available: this.registry.isReady(m.provider),
      }));
    return { models, providers: this.registry.statuses() };
  }
}
