import { Inject, Injectable } from '@nestjs/common';
import type { TokenUsage } from '@ai-mcp-gateway/provider-sdk';
import { GATEWAY_CONFIG } from '../config/config.module';
import { GatewayConfig, LAYERS, LayerName } from '../config/config.schema';
import { InvalidInputError } from '../errors';
import { costOf, estimateCost, Price } from './cost';

/** One model of the catalogue (config `models[]`), resolved once at start. */
export interface CatalogueModel {
  readonly id: string;
  readonly provider: string;
  readonly upstreamModel: string;
  readonly layer: LayerName;
  /** USD per million tokens. */
  readonly price: Price;
  readonly contextWindow: number;
  readonly strengths: readonly string[];
  /** Accepts images (config `vision`). */
  readonly vision: boolean;
  /** Position in the config: the tie-breaker of every ranking. */
  readonly order: number;
}

/** An embedding model of the catalogue (config `models[]` with `kind: embedding`). */
export interface EmbeddingModel {
  readonly id: string;
  readonly provider: string;
  readonly upstreamModel: string;
  /** USD per million input tokens. */
  readonly price: Price;
}

/** The configured models by id and by layer; pure lookups, no I/O. Chat models and embedding models apart. */
@Injectable()
export class ModelCatalogue {
  private byId = new Map<string, CatalogueModel>();
  private byLayer = new Map<LayerName, readonly CatalogueModel[]>();
  private embeddingModels = new Map<string, EmbeddingModel>();

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.reload(config.models);
  }

  /**
   * Replaces the catalogue at once (config reload). Models are frozen values: a request in flight keeps
   * the model (and price) it was routed with; the next one sees the new catalogue.
   */
  reload(models: GatewayConfig['models']): void {
    const byId = new Map<string, CatalogueModel>();
    const embeddings = new Map<string, EmbeddingModel>();
    models.forEach((m, order) => {
      const upstreamModel = m.upstreamModel ?? m.id;
      if (m.kind === 'embedding') {
        embeddings.set(m.id, Object.freeze({ id: m.id, provider: m.provider, upstreamModel, price: m.price }));
        return;
      }
      const { kind: _kind, ...chat } = m;
      byId.set(
        m.id,
        Object.freeze({
          ...chat,
          layer: m.layer ?? 'fast',
          upstreamModel,
          vision: m.vision ?? false,
          strengths: Object.freeze([...m.strengths]),
          order,
        }),
      );
    });
    const byLayer = new Map<LayerName, readonly CatalogueModel[]>();
    for (const layer of LAYERS) byLayer.set(layer, Object.freeze([...byId.values()].filter((m) => m.layer === layer)));
    [this.byId, this.byLayer, this.embeddingModels] = [byId, byLayer, embeddings];
  }

  get(id: string): CatalogueModel | undefined {
    return this.byId.get(id);
  }

  /**
   * The model `id` names, for input that must name a configured model.
   * @throws InvalidInputError naming `field` and listing the known models when the catalogue has no such model.
   */
  requireKnown(id: string, field: string): CatalogueModel {
    const model = this.byId.get(id);
    if (model) return model;
    const known = [...this.byId.keys()];
    throw InvalidInputError.field(
      field,
      `unknown model "${id}": ${known.length > 0 ? `known models are ${known.join(', ')}` : 'no model is configured'}`,
    );
  }

  /** The embedding model `id` names, if any. */
  embedding(id: string): EmbeddingModel | undefined {
    return this.embeddingModels.get(id);
  }

  /** Every embedding model, in config order. */
  embeddings(): EmbeddingModel[] {
    return [...this.embeddingModels.values()];
  }

  all(): CatalogueModel[] {
    return [...this.byId.values()];
  }

  inLayer(layer: LayerName): readonly CatalogueModel[] {
    return this.byLayer.get(layer) ?? [];
  }

  /** USD; estimated before the call from the prompt's tokens and the answer's budget. */
  estimateCost(model: CatalogueModel, promptTokens: number, maxOutputTokens?: number): number {
    return estimateCost(model.price, promptTokens, maxOutputTokens);
  }

  /** USD; exact, from the usage the provider reported. */
  cost(model: CatalogueModel, usage: Pick<TokenUsage, 'promptTokens' | 'completionTokens'>): number {
    return costOf(model.price, usage);
  }
}
