import type { FinishReason } from '../../types';
import { splitText } from '../../stream';
import { finishOf, splitArgs, sse, type Dialect, type FakeReply } from './dialect';

const STOP_REASONS: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function stopReason(reply: FakeReply): string {
  return reply.stopSequence ? 'stop_sequence' : STOP_REASONS[finishOf(reply)];
}

function blocks(reply: FakeReply): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  if (reply.content) out.push({ type: 'text', text: reply.content });
  for (const call of reply.toolCalls ?? []) {
    out.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: JSON.parse(call.function.arguments || '{}'),
    });
  }
  return out;
}

function toolEvents(reply: FakeReply, first: number): string[] {
  const out: string[] = [];
  (reply.toolCalls ?? []).forEach((call, i) => {
    const index = first + i;
    out.push(
      sse(
        {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: call.id, name: call.function.name, input: {} },
        },
        'content_block_start',
      ),
    );
    for (const part of splitArgs(call.function.arguments)) {
      out.push(
        sse(
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } },
          'content_block_delta',
        ),
      );
    }
    out.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
  });
  return out;
}

/** The Anthropic Messages API shape (`POST /v1/messages`). */
export const anthropicDialect: Dialect = {
  name: 'anthropic',
  json(reply, model, usage) {
    return {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model,
      content: blocks(reply),
      stop_reason: stopReason(reply),
      stop_sequence: reply.stopSequence ?? null,
      usage: { input_tokens: usage.promptTokens, output_tokens: usage.completionTokens },
    };
  },
  events(reply, model, usage) {
    const start = {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.promptTokens, output_tokens: 1 },
    };
    const out = [sse({ type: 'message_start', message: start }, 'message_start'), sse({ type: 'ping' }, 'ping')];
    let index = 0;
    if (reply.content) {
      out.push(
        sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      );
      for (const piece of splitText(reply.content)) {
        out.push(
          sse(
            { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } },
            'content_block_delta',
          ),
        );
      }
      out.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
      index++;
    }
    out.push(...toolEvents(reply, index));
    out.push(
      sse(
        {
          type: 'message_delta',
          delta: { stop_reason: stopReason(reply), stop_sequence: reply.stopSequence ?? null },
          usage: { output_tokens: usage.completionTokens },
        },
        'message_delta',
      ),
    );
    out.push(sse({ type: 'message_stop' }, 'message_stop'));
    return out;
  },
  errorBody(status, message) {
    return {
      type: 'error',
      error: { type: ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message },
    };
  },
  streamError(message) {
    return sse({ type: 'error', error: { type: 'overloaded_error', message } }, 'error');
  },
  models(ids) {
    const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
    return { data, has_more: false, first_id: ids[0] ?? null, last_id: ids[ids.length - 1] ?? null };
  },
};
