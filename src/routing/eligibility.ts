import {
  hasImages,
  OPTIONAL_CHAT_PARAMS,
  type ChatRequest,
  type OptionalChatParam,
} from '@ai-mcp-gateway/provider-sdk';
import type { CatalogueModel } from '../providers/model-catalogue';
import type { ChatParams } from './routing.types';

/** What a request asks of the model that serves it, beyond answering. */
export interface RequestNeeds {
  promptTokens: number;
  images: boolean;
  /** Optional parameters the request sets, which the model's provider must declare (max_completion_tokens aside). */
  params: OptionalChatParam[];
}

/** Why a model cannot serve a request: the code and field the client is told, and the reason in words. */
export interface Shortfall {
  code: 'context_length_exceeded' | 'images_not_supported' | 'unsupported_parameter';
  param?: string;
  reason: string;
}

/** Which optional parameters each provider declares (ProviderRegistry.supportedParams). */
export type ParamSupport = (providerId: string) => ReadonlySet<string>;

/** logprobs: false asks for nothing; every other value set is a request. */
function asks(params: ChatParams, name: OptionalChatParam): boolean {
  const value = params[name];
  return value !== undefined && value !== null && !(name === 'logprobs' && value === false);
}

const NO_PARAMS: OptionalChatParam[] = [];
/** The optional parameters a provider must declare (max_completion_tokens has a fallback: max_tokens). */
const CHECKED: ReadonlySet<string> = new Set(OPTIONAL_CHAT_PARAMS.filter((p) => p !== 'max_completion_tokens'));

/** A request's needs; looks only at the parameters it sets (a few), in OPTIONAL_CHAT_PARAMS order. */
export function needsOf(messages: ChatRequest['messages'], params: ChatParams, promptTokens: number): RequestNeeds {
  let asked = NO_PARAMS;
  for (const key in params) {
    if (!CHECKED.has(key) || !asks(params, key as OptionalChatParam)) continue;
    if (asked === NO_PARAMS) asked = [];
    asked.push(key as OptionalChatParam);
  }
  if (asked.length > 1) asked.sort((a, b) => OPTIONAL_CHAT_PARAMS.indexOf(a) - OPTIONAL_CHAT_PARAMS.indexOf(b));
  return { promptTokens, images: hasImages(messages), params: asked };
}

/** True when a request asks nothing but a context window: the hot path skips the other checks. */
export function onlyWindow(needs: RequestNeeds): boolean {
  return !needs.images && needs.params.length === 0;
}

/** Why `model` cannot serve a request with these needs, or undefined when it can. */
export function shortfall(model: CatalogueModel, needs: RequestNeeds, support: ParamSupport): Shortfall | undefined {
  if (model.contextWindow < needs.promptTokens)
    return {
      code: 'context_length_exceeded',
      param: 'messages',
      reason: `has a context window of ${model.contextWindow} tokens; the prompt has about ${needs.promptTokens}`,
    };
  if (needs.images && !model.vision)
    return {
      code: 'images_not_supported',
      param: 'messages',
      reason: 'does not accept images (vision is not set for it in the catalogue)',
    };
  if (needs.params.length === 0) return undefined;
  const supported = support(model.provider);
  const missing = needs.params.find((p) => !supported.has(p));
  return missing
    ? {
        code: 'unsupported_parameter',
        param: missing,
        reason: `cannot honour ${missing} (its provider "${model.provider}" does not take it)`,
      }
    : undefined;
}

/**
 * The reason to give when no model of the catalogue can serve a request: a need nobody meets on its
 * own (the prompt fits no window, no model takes images, no provider a parameter), else what each
 * model lacks. Called only when no model can serve the request (so at least one shortfall exists).
 */
export function refusal(all: readonly CatalogueModel[], needs: RequestNeeds, support: ParamSupport): Shortfall {
  const largest = [...all].sort((a, b) => b.contextWindow - a.contextWindow)[0];
  if (!largest || largest.contextWindow < needs.promptTokens)
    return {
      code: 'context_length_exceeded',
      param: 'messages',
      reason: `the prompt has about ${needs.promptTokens} tokens, more than the context window of every model (the largest, ${largest?.id ?? 'none'}, takes ${largest?.contextWindow ?? 0})`,
    };
  if (needs.images && !all.some((m) => m.vision))
    return {
      code: 'images_not_supported',
      param: 'messages',
      reason: 'the request contains images, and no model of the catalogue accepts images (set vision: true on one)',
    };
  for (const p of needs.params)
    if (!all.some((m) => support(m.provider).has(p)))
      return {
        code: 'unsupported_parameter',
        param: p,
        reason: `${p} is set, and no model of the catalogue can honour it (no provider takes it)`,
      };
  const misses = all.flatMap((m) => {
    const s = shortfall(m, needs, support);
    return s ? [{ id: m.id, s }] : [];
  });
  const listed = misses.slice(0, 5).map((x) => `${x.id} ${x.s.reason}`);
  return { ...misses[0].s, reason: `no model meets every need of this request: ${listed.join('; ')}` };
}

/**
 * The parameters as a provider takes them: max_completion_tokens becomes max_tokens for one that does
 * not declare it (the same budget under its older name); everything else is unchanged.
 */
export function paramsFor(params: ChatParams, supported: ReadonlySet<string>): ChatParams {
  if (params.max_completion_tokens === undefined || supported.has('max_completion_tokens')) return params;
  const { max_completion_tokens: budget, ...rest } = params;
  return { ...rest, max_tokens: rest.max_tokens ?? budget };
}
