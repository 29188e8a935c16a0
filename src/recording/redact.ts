import type { ChatMessage } from '@ai-mcp-gateway/provider-sdk';
import type { RequestSnapshot } from './recording.types';

/** Keys that may carry credentials; removed wherever they appear in a snapshot. */
const SECRET_KEYS = new Set([
  'authorization',
  'proxy-authorization',
  'api_key',
  'apikey',
  'api-key',
  'x-api-key',
  'password',
  'secret',
  'access_token',
  'refresh_token',
  'cookie',
]);

function redactText(text: string | null): string | null {
  return text === null ? null : `[redacted: ${text.length} chars]`;
}

/** Parts keep their order and kind; texts and image addresses (data URLs included) are replaced by their length. */
function redactContent(content: ChatMessage['content']): unknown {
  if (content === null || typeof content === 'string') return redactText(content);
  return content.map((p) =>
    p.type === 'text'
      ? { type: 'text', text: redactText(p.text) }
      : { type: 'image_url', image_url: { url: `[redacted image: ${p.image_url.url.length} chars]` } },
  );
}

function redactMessage(m: ChatMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { role: m.role, content: redactContent(m.content) };
  if (m.name) out.name = m.name;
  if (m.tool_call_id) out.tool_call_id = m.tool_call_id;
  if (m.tool_calls)
    out.tool_calls = m.tool_calls.map((c) => ({
      id: c.id,
      type: c.type,
      function: { name: c.function.name, arguments: redactText(c.function.arguments) },
    }));
  return out;
}

/** A deep copy without credential-looking keys. */
export function stripSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => stripSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!SECRET_KEYS.has(k.toLowerCase())) out[k] = stripSecrets(v, depth + 1);
  }
  return out;
}

/** The replay stored with a regression test: secrets always removed, message content redacted unless disabled. */
export function replayOf(snapshot: RequestSnapshot, redactContent: boolean): Record<string, unknown> {
  const messages = redactContent ? snapshot.messages.map(redactMessage) : snapshot.messages.map((m) => ({ ...m }));
  const body = {
    ...(stripSecrets(snapshot.params) as Record<string, unknown>),
    model: snapshot.model,
    messages,
    stream: snapshot.stream,
  };
  return { endpoint: 'POST /v1/chat/completions', body, contentRedacted: redactContent };
}
