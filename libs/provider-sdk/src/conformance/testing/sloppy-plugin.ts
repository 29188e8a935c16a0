import { z } from 'zod';
import { ProviderError, isProviderError } from '../../errors';
import { HttpUpstream } from '../../http';
import { parseEventJson } from '../../sse';
import type { CallOptions, ChatDelta, ChatRequest, ChatResponse } from '../../types';
import { defineProviderPlugin } from '../../types';

/**
 * A plugin with four deliberate contract bugs, to prove the conformance kit catches them:
 * it retries 5xx itself, drops Retry-After, rethrows aborts as plain Errors, and its streams
 * neither end with a finishReason nor notice an in-band error or a truncated body.
 */
export default defineProviderPlugin({
  id: 'sloppy',
  optionsSchema: z.strictObject({ baseUrl: z.url() }),
  create({ baseUrl }) {
    const http = new HttpUpstream({ baseUrl: `${baseUrl}/v1`, name: 'sloppy' });
    const once = async (request: ChatRequest, call: CallOptions): Promise<ChatResponse> => {
      const body = await http.json<any>(
        { method: 'POST', path: '/chat/completions', body: { model: request.model, messages: request.messages } },
        call,
      );
      if (!Array.isArray(body?.choices)) throw new ProviderError('malformed_response', 'no choices');
      const u = body.usage;
      return {
        model: request.model,
        content: body.choices[0].message.content,
        finishReason: 'stop',
        usage: { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens },
      };
    };
    return {
      listModels: async () => [{ id: 'fake-gpt' }],
      async chat(request, call) {
        try {
          return await once(request, call);
        } catch (err) {
          if (!isProviderError(err)) throw err;
          if (err.kind === 'upstream') return once(request, call);
          if (err.kind === 'rate_limited') throw new ProviderError('rate_limited', err.message);
          if (err.kind === 'cancelled' || err.kind === 'timeout') throw new Error('aborted');
          throw err;
        }
      },
      async *chatStream(request, call): AsyncGenerator<ChatDelta> {
        const body = { model: request.model, messages: request.messages, stream: true };
        for await (const ev of http.sse({ method: 'POST', path: '/chat/completions', body }, call)) {
          if (ev.done) break;
          const content = parseEventJson<any>(ev).choices?.[0]?.delta?.content;
          if (content) yield { content };
        }
      },
      close: () => http.close(),
    };
  },
});
