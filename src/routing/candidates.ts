import { LAYERS, LayerName } from '../config/config.schema';
import type { CatalogueModel, ModelCatalogue } from '../providers/model-catalogue';
import { onlyWindow, ParamSupport, refusal, RequestNeeds, shortfall } from './eligibility';
import type { ModelPolicy } from './model-policy';
import { routingError } from './routing.errors';

const NEXT_LAYER: Record<LayerName, LayerName | undefined> = { fast: 'balanced', balanced: 'deep', deep: undefined };

/** The models a request may go to, in the order the executor tries them (the router's second half). */
export class Candidates {
  private readonly rankedCache = new Map<
    string,
    { parts: Array<readonly CatalogueModel[]>; list: readonly CatalogueModel[] }
  >();

  constructor(
    private readonly catalogue: ModelCatalogue,
    private readonly policy: ModelPolicy,
    private readonly support: ParamSupport,
    private escalate: boolean,
  ) {}

  /** After a config reload: the new escalation, rankings computed anew. */
  reload(escalate: boolean): void {
    this.escalate = escalate;
    this.rankedCache.clear();
  }

  /**
   * The layer's ranked models (a rule's preferred model first), then the higher layers' when escalating;
   * those that can serve the request. When none can, any model of the catalogue that can, cheapest
   * layer first; when no model can, the request is refused with the reason.
   */
  of(layer: LayerName, taskType: string, needs: RequestNeeds, preferredModel?: string): readonly CatalogueModel[] {
    let out = this.ranked(layer, taskType);
    const preferred = preferredModel ? this.catalogue.get(preferredModel) : undefined;
    if (preferred) out = [preferred, ...out.filter((m) => m !== preferred)];
    const fit = this.serving(out, needs);
    if (fit.length > 0) return fit;
    const anyLayer = this.serving(
      LAYERS.flatMap((l) => this.policy.rank(taskType, l, this.catalogue.inLayer(l))),
      needs,
    );
    const all = this.catalogue.all();
    // No model at all is an outage the executor reports (no_available_model), not a fault of the request.
    if (anyLayer.length > 0 || all.length === 0) return anyLayer;
    const why = refusal(all, needs, this.support);
    throw routingError(why.code, `The request cannot be served: ${why.reason}.`, { param: why.param });
  }

  /** The models that can serve the request; the list itself (no allocation) when all of them can. */
  private serving(models: readonly CatalogueModel[], needs: RequestNeeds): readonly CatalogueModel[] {
    if (onlyWindow(needs)) {
      let fits = true;
      for (const m of models) if (m.contextWindow < needs.promptTokens) fits = false;
      return fits ? models : models.filter((m) => m.contextWindow >= needs.promptTokens);
    }
    return models.filter((m) => !shortfall(m, needs, this.support));
  }

  /** The ranked (and escalated) list, reused while the policy returns the same rankings: no allocation per request. */
  private ranked(layer: LayerName, taskType: string): readonly CatalogueModel[] {
    const parts: Array<readonly CatalogueModel[]> = [this.policy.rank(taskType, layer, this.catalogue.inLayer(layer))];
    if (this.escalate)
      for (let next = NEXT_LAYER[layer]; next; next = NEXT_LAYER[next])
        parts.push(this.policy.rank(taskType, next, this.catalogue.inLayer(next)));
    if (parts.length === 1) return parts[0];
    const key = `${layer}|${taskType}`;
    const hit = this.rankedCache.get(key);
    if (hit && hit.parts.length === parts.length && hit.parts.every((p, i) => p === parts[i])) return hit.list;
    const list = Object.freeze(parts.flat());
    if (this.rankedCache.size > 1000) this.rankedCache.clear();
    this.rankedCache.set(key, { parts, list });
    return list;
  }
}
