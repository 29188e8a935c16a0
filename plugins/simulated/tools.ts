import {
  ProviderError,
  hash32,
  textOf,
  type ChatMessage,
  type ChatRequest,
  type ToolCall,
  type ToolDefinition,
} from '@ai-mcp-gateway/provider-sdk';

/**
 * Deterministic tool calls, for developing agents offline. A named tool_choice calls that tool,
 * `required` the best match for the prompt (else the first tool), `auto` every tool whose name shares
 * a word with the last user message (only the best one when parallel_tool_calls is false); `none`, or
 * a conversation that ends with a tool result under `auto`, gets a text answer. Arguments are built
 * from each tool's JSON Schema: enum, default or minimum when given, else a value taken from the prompt.
 */

/** Words of tool names that say nothing about what the tool is for. */
const FILLER_WORDS = new Set(['get', 'set', 'the', 'and', 'for', 'with', 'from', 'tool', 'run', 'do']);

function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !FILLER_WORDS.has(w));
}

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return textOf(messages[i].content);
  return '';
}

/** How many words of the tool's name appear in the prompt. */
function nameScore(tool: ToolDefinition, promptWords: ReadonlySet<string>): number {
  return words(tool.function.name).filter((w) => promptWords.has(w) || promptWords.has(`${w}s`)).length;
}

function chooseTools(request: ChatRequest, prompt: string, providerId: string): ToolDefinition[] {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? 'auto';
  if (typeof choice === 'object') {
    const named = tools.find((t) => t.function.name === choice.function.name);
    if (!named)
      throw new ProviderError(
        'bad_request',
        `${providerId}: tool_choice names "${choice.function.name}", not in tools`,
      );
    return [named];
  }
  const promptWords = new Set(words(prompt));
  const scored = tools.map((tool) => ({ tool, score: nameScore(tool, promptWords) })).filter((s) => s.score > 0);
  const best = [...scored].sort((a, b) => b.score - a.score)[0]?.tool;
  if (choice === 'required') return [best ?? tools[0]];
  if (request.parallel_tool_calls === false) return best ? [best] : [];
  return scored.map((s) => s.tool);
}

/** The tool calls this request gets, or undefined for a text answer. */
export function planToolCalls(
  request: ChatRequest,
  modelId: string,
  n: number,
  providerId: string,
): ToolCall[] | undefined {
  if (!request.tools?.length || request.tool_choice === 'none') return undefined;
  const forced = typeof request.tool_choice === 'object' || request.tool_choice === 'required';
  const last = request.messages[request.messages.length - 1];
  if (!forced && last?.role === 'tool') return undefined;
  const prompt = lastUserText(request.messages);
  const chosen = chooseTools(request, prompt, providerId);
  if (chosen.length === 0) return undefined;
  return chosen.map((tool, i) => ({
    id: `call_sim_${hash32(`${modelId}|${n}|${i}|${tool.function.name}`).toString(16)}`,
    type: 'function',
    function: { name: tool.function.name, arguments: JSON.stringify(argumentsFor(tool.function.parameters, prompt)) },
  }));
}

type Schema = Record<string, unknown>;

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A word of the prompt a string argument can take: its first capitalised word after the first, else its start. */
function promptValue(prompt: string): string {
  const capitalised = prompt
    .split(/\s+/)
    .slice(1)
    .map((w) => w.replace(/[^\p{L}\p{N}-]/gu, ''))
    .find((w) => /^\p{Lu}/u.test(w));
  return capitalised ?? (prompt.replace(/\s+/g, ' ').trim().slice(0, 40) || 'example');
}

function valueFor(schema: unknown, prompt: string, depth: number): unknown {
  if (!isSchema(schema) || depth > 5) return null;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if ('const' in schema) return schema.const;
  if (schema.default !== undefined) return schema.default;
  const variants = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(variants) && variants.length) return valueFor(variants[0], prompt, depth + 1);
  const type: unknown = Array.isArray(schema.type) ? (schema.type as unknown[])[0] : schema.type;
  switch (type) {
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
      const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
      return min ?? (max !== undefined && max < 1 ? max : 1);
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return schema.items ? [valueFor(schema.items, prompt, depth + 1)] : [];
    case 'object':
      return argumentsFor(schema, prompt, depth + 1);
    default:
      return promptValue(prompt);
  }
}

/** An arguments object for a JSON Schema: its required properties (all of them when none is required). */
export function argumentsFor(schema: unknown, prompt: string, depth = 0): Record<string, unknown> {
  if (!isSchema(schema) || !isSchema(schema.properties)) return {};
  const properties = schema.properties;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : Object.keys(properties);
  const out: Record<string, unknown> = {};
  for (const name of required) if (name in properties) out[name] = valueFor(properties[name], prompt, depth);
  return out;
}
