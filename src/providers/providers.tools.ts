import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { LAYERS } from '../config/config.schema';
import { Tool } from '../tools/tool.decorator';
import { ModelCatalogue } from './model-catalogue';
import { ModelReadiness } from './model-readiness';

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
  available: z
    .boolean()
    .describe('false when the model cannot serve now: provider not ready, not listed by it, or circuit breaker open'),
  breaker: z.enum(['closed', 'open', 'half-open']).describe('the circuit breaker of the model'),
  reasons: z.array(z.string()).describe('why the model is not available (empty when it is)'),
});

const probeSchema = z.object({
  at: z.string().describe('ISO 8601'),
  ok: z.boolean(),
  detail: z.string().nullable(),
  latencyMs: z.number(),
});

export const listModelsOutput = z.object({
  models: z.array(modelSchema),
  providers: z.array(
    z.object({
      id: z.string(),
      plugin: z.string(),
      state: z.enum(['ready', 'failed', 'disabled']).describe('whether the plugin loaded'),
      error: z.string().optional(),
      ready: z.boolean().describe('loaded, API key present and last probe ok'),
      apiKey: z.enum(['present', 'missing', 'none']).describe('the variable options.apiKeyEnv names: set or not'),
      lastProbe: probeSchema.nullable().describe('the last health check and model listing'),
      reasons: z.array(z.string()).describe('why the provider cannot serve (empty when it can)'),
    }),
  ),
});

@Injectable()
export class ProvidersTools {
  constructor(
    private readonly catalogue: ModelCatalogue,
    private readonly readiness: ModelReadiness,
  ) {}

  @Tool({
    name: 'list_models',
    description:
      'The model catalogue (layer, prices in USD per million tokens, context window) with each model and provider readiness (API key, last probe, circuit breaker).',
    input: listModelsInput,
    output: listModelsOutput,
    readOnly: true,
    text: (r) =>
      r.models
        .map(
          (m) =>
            `${m.id} (${m.layer}, ${m.provider}${m.available ? '' : `, unavailable: ${m.reasons.join('; ')}`}) $${m.price.input}/$${m.price.output} per Mtok`,
        )
        .join('\n'),
  })
  listModels(input: z.infer<typeof listModelsInput>): Promise<z.infer<typeof listModelsOutput>> {
    const states = new Map(this.readiness.models().map((m) => [m.id, m]));
    const models = this.catalogue
      .all()
      .filter((m) => !input.layer || m.layer === input.layer)
      .map((m) => {
        const state = states.get(m.id);
        return {
          id: m.id,
          provider: m.provider,
          upstreamModel: m.upstreamModel,
          layer: m.layer,
          price: { ...m.price },
          contextWindow: m.contextWindow,
          strengths: [...m.strengths],
          available: state?.ready ?? false,
          breaker: state?.breaker ?? 'closed',
          reasons: state?.reasons ?? [],
        };
      });
    const providers = this.readiness.providers().map((p) => ({
      ...p,
      lastProbe: p.lastProbe && {
        at: p.lastProbe.at,
        ok: p.lastProbe.ok,
        detail: p.lastProbe.detail,
        latencyMs: p.lastProbe.latencyMs,
      },
    }));
    return Promise.resolve({ models, providers });
  }
}
