import type { FinishReason, ToolCall } from '../../types';

/** What the fake upstream answers with, in either dialect. */
export interface FakeReply {
  content: string;
  toolCalls?: ToolCall[];
  /** Default: 'tool_calls' when toolCalls are set, else 'stop'. */
  finishReason?: FinishReason;
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

export function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}
