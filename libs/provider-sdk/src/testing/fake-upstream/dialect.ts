import type { FinishReason, ToolCall } from '../../types';

/** What the fake upstream answers with, in either dialect. */
export interface FakeReply {
  content: string;
  toolCalls?: ToolCall[];
  /** Default: 'tool_calls' when toolCalls are set, else 'stop'. */
  finishReason?: FinishReason;
  /** The stop sequence that cut the answer (set by the fake when a request's stop sequence occurs in it). */
  stopSequence?: string;
  /** Log probabilities with this many alternatives per token (set by the fake when a request asks for them). */
  logprobs?: number;
}

export interface FakeUsage {
  promptTokens: number;
  completionTokens: number;
}

/** One upstream API shape: how answers, streams, errors and model lists are spelled. */
export interface Dialect {
  name: 'openai' | 'anthropic';
  json(reply: FakeReply, model: string, usage: FakeUsage): unknown;
  /** Complete SSE event blocks ("...\n\n"), in order. */
  events(reply: FakeReply, model: string, usage: FakeUsage, includeUsage: boolean): string[];
  errorBody(status: number, message: string): unknown;
  /** An in-band error event, as sent when an upstream fails mid-stream. */
  streamError(message: string): string;
  models(ids: string[]): unknown;
}

export function finishOf(reply: FakeReply): FinishReason {
  return reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
}

/** Splits a JSON argument string in two, as real upstreams stream arguments in fragments. */
export function splitArgs(args: string): string[] {
  if (args.length < 2) return [args];
  const mid = Math.floor(args.length / 2);
  return [args.slice(0, mid), args.slice(mid)];
}

/** Fake log probabilities of a text, one entry per word-sized token; deterministic. */
export function fakeLogprobs(text: string, alternatives: number): Array<Record<string, unknown>> {
  return (text.match(/\S+\s*/g) ?? []).map((token, i) => ({
    token,
    logprob: -0.05 * (i % 7),
    bytes: [...Buffer.from(token, 'utf8')],
    top_logprobs: Array.from({ length: alternatives }, (_, k) => ({
      token: k === 0 ? token : `${token.trim()}~${k}`,
      logprob: -0.05 * (i % 7) - k,
      bytes: null,
    })),
  }));
}

/**
 * The reply as this request gets it: cut at the first of its stop sequences that occurs in the content
 * (OpenAI's `stop`, Anthropic's `stop_sequences`), with log probabilities when OpenAI's `logprobs` asks.
 */
export function replyFor(reply: FakeReply, body: unknown): FakeReply {
  const asked = (typeof body === 'object' && body !== null ? body : {}) as {
    stop?: unknown;
    stop_sequences?: unknown;
    logprobs?: unknown;
    top_logprobs?: unknown;
  };
  const raw = asked.stop ?? asked.stop_sequences;
  const stops = (typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : []).filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  let out = reply;
  let cut = reply.content.length;
  for (const stop of stops) {
    const at = reply.content.indexOf(stop);
    if (at >= 0 && at < cut) {
      cut = at;
      out = { ...reply, content: reply.content.slice(0, at), finishReason: 'stop', stopSequence: stop };
    }
  }
  if (asked.logprobs === true) out = { ...out, logprobs: Number(asked.top_logprobs ?? 0) };
  return out;
}

export function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}
