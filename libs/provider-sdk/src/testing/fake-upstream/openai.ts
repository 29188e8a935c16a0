import { splitText } from '../../stream';
import { fakeLogprobs, finishOf, splitArgs, sse, type Dialect, type FakeReply, type FakeUsage } from './dialect';

const CREATED = 1_700_000_000;

function usageBody(u: FakeUsage) {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
  };
}

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null, logprobs: unknown = null) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    choices: [{ index: 0, delta, logprobs, finish_reason: finish }],
  };
}

function logprobsOf(reply: FakeReply, text: string): unknown {
  return reply.logprobs === undefined ? null : { content: fakeLogprobs(text, reply.logprobs), refusal: null };
}

function toolCallChunks(reply: FakeReply, model: string): string[] {
  const out: string[] = [];
  (reply.toolCalls ?? []).forEach((call, index) => {
    out.push(
      sse(
        chunk(model, {
          tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
        }),
      ),
    );
    for (const part of splitArgs(call.function.arguments)) {
      out.push(sse(chunk(model, { tool_calls: [{ index, function: { arguments: part } }] })));
    }
  });
  return out;
}

/** The OpenAI chat-completions shape (also spoken by Ollama, vLLM, LM Studio, llama.cpp...). */
export const openaiDialect: Dialect = {
  name: 'openai',
  json(reply, model, usage) {
    const message: Record<string, unknown> = { role: 'assistant', content: reply.content || null };
    if (reply.toolCalls?.length) message.tool_calls = reply.toolCalls;
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: CREATED,
      model,
      choices: [{ index: 0, message, logprobs: logprobsOf(reply, reply.content), finish_reason: finishOf(reply) }],
      usage: usageBody(usage),
    };
  },
  events(reply, model, usage, includeUsage) {
    const out = [': keep-alive\n\n', sse(chunk(model, { role: 'assistant', content: '' }))];
    for (const piece of splitText(reply.content))
      out.push(sse(chunk(model, { content: piece }, null, logprobsOf(reply, piece))));
    out.push(...toolCallChunks(reply, model));
    out.push(sse(chunk(model, {}, finishOf(reply))));
    if (includeUsage)
      out.push(
        sse({
          id: 'chatcmpl-fake',
          object: 'chat.completion.chunk',
          created: CREATED,
          model,
          choices: [],
          usage: usageBody(usage),
        }),
      );
    out.push(sse('[DONE]'));
    return out;
  },
  errorBody(status, message) {
    const type =
      status === 429
        ? 'rate_limit_exceeded'
        : status === 401
          ? 'invalid_api_key'
          : status >= 500
            ? 'server_error'
            : 'invalid_request_error';
    return { error: { message, type, code: type } };
  },
  streamError(message) {
    return sse({ error: { message, type: 'server_error' } });
  },
  models(ids) {
    return {
      object: 'list',
      data: ids.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'fake-upstream' })),
    };
  },
};
