import type { TokenUsage } from '@ai-mcp-gateway/provider-sdk';

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
}

const PER_MILLION = 1_000_000;

/** Exact cost of a call from the usage the provider reported. */
export function costOf(price: Price, usage: Pick<TokenUsage, 'promptTokens' | 'completionTokens'>): number {
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / PER_MILLION;
}

/**
 * Cost estimated before the call: the prompt's estimated tokens plus the most the answer may cost
 * (max_tokens when given, else `expectedOutputTokens`).
 */
export function estimateCost(
  price: Price,
  promptTokens: number,
  maxOutputTokens: number | undefined,
  expectedOutputTokens = 256,
): number {
  return costOf(price, { promptTokens, completionTokens: maxOutputTokens ?? expectedOutputTokens });
}
