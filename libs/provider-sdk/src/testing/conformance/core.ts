import { expect, it } from '@jest/globals';
import { collectStream } from '../../stream';
import type { ChatDelta } from '../../types';
import type { Harness } from './harness';
import { callOptions, request } from './helpers';

/** The fields of the request a plugin sent upstream that these tests check. */
type WireBody = { model?: unknown; stream?: unknown };

const GARBAGE: unknown[] = [null, 42, 'garbage', [], true];

function expectUsage(usage: { promptTokens: number; completionTokens: number; totalTokens: number } | undefined): void {
  expect(usage).toBeDefined();
  const u = usage as NonNullable<typeof usage>;
  for (const n of [u.promptTokens, u.completionTokens, u.totalTokens]) expect(Number.isInteger(n) && n >= 0).toBe(true);
  expect(u.promptTokens).toBeGreaterThan(0);
  expect(u.completionTokens).toBeGreaterThan(0);
  expect(u.totalTokens).toBe(u.promptTokens + u.completionTokens);
}

/** The contract every plugin meets, with or without network. */
export function registerCoreTests(h: Harness): void {
  it('options schema accepts the given options and rejects garbage', () => {
    expect(h.cfg.plugin.optionsSchema.safeParse(h.optionsFor(h.upstream?.url ?? 'http://127.0.0.1:9')).success).toBe(
      true,
    );
    for (const bad of [...GARBAGE, ...(h.cfg.invalidOptions ?? [])]) {
      expect({ options: bad, accepted: h.cfg.plugin.optionsSchema.safeParse(bad).success }).toEqual({
        options: bad,
        accepted: false,
      });
    }
  });

  it('has an id and creates an instance with listModels, chat and chatStream', () => {
    expect(typeof h.cfg.plugin.id).toBe('string');
    expect(h.cfg.plugin.id.length).toBeGreaterThan(0);
    for (const fn of ['listModels', 'chat', 'chatStream'] as const) expect(typeof h.main[fn]).toBe('function');
  });

  it('listModels returns model ids, including the test model', async () => {
    const models = await h.main.listModels();
    expect(models.length).toBeGreaterThan(0);
    for (const m of models) expect(typeof m.id === 'string' && m.id.length > 0).toBe(true);
    expect(models.map((m) => m.id)).toContain(h.cfg.model);
  });

  it('chat returns content, a finish reason and token usage', async () => {
    const res = await h.main.chat(request(h.cfg.model), callOptions());
    expect(typeof res.content).toBe('string');
    expect((res.content ?? '').length).toBeGreaterThan(0);
    expect(res.finishReason).toBe('stop');
    expect(typeof res.model).toBe('string');
    expectUsage(res.usage);
    if (h.upstream) {
      const sent = h.upstream.requests.filter((r) => r.method === 'POST');
      expect(sent).toHaveLength(1);
      expect((sent[0].body as WireBody).model).toBe(h.cfg.model);
      expect((sent[0].body as WireBody).stream ?? false).toBe(false);
      expect(res.content).toBe(h.upstream.reply.content);
      expect(res.usage).toEqual({
        ...sent[0].usage,
        totalTokens: (sent[0].usage?.promptTokens ?? 0) + (sent[0].usage?.completionTokens ?? 0),
      });
    }
  });

  it('chatStream yields several deltas that add up to the answer and end with finishReason', async () => {
    const deltas: ChatDelta[] = [];
    for await (const d of h.main.chatStream(request(h.cfg.model), callOptions())) deltas.push(d);
    expect(deltas.length).toBeGreaterThan(1);
    const finishIndex = deltas.findIndex((d) => d.finishReason);
    expect(finishIndex).toBe(deltas.length - 1);
    expect(deltas[finishIndex].finishReason).toBe('stop');
    const content = deltas.map((d) => d.content ?? '').join('');
    expect(content.length).toBeGreaterThan(0);
    if (deltas[finishIndex].usage) expectUsage(deltas[finishIndex].usage);
    if (h.upstream) {
      expect(content).toBe(h.upstream.reply.content);
      const sent = h.upstream.requests.filter((r) => r.method === 'POST');
      expect(sent).toHaveLength(1);
      expect((sent[0].body as WireBody).stream).toBe(true);
      expectUsage(deltas[finishIndex].usage);
    }
  });

  if (h.cfg.deterministic) {
    it('gives the same answer through chat and chatStream for equal options and requests', async () => {
      const a = await h.state.instance(h.optionsFor(''));
      const b = await h.state.instance(h.optionsFor(''));
      const res = await a.chat(request(h.cfg.model), callOptions());
      const streamed = await collectStream(b.chatStream(request(h.cfg.model), callOptions()));
      expect(streamed.content).toBe(res.content);
      expect(streamed.finishReason).toBe(res.finishReason);
    });
  }

  it('healthCheck, where implemented, reports ok', async () => {
    if (!h.main.healthCheck) return;
    const status = await h.main.healthCheck();
    expect(status.ok).toBe(true);
  });
}
