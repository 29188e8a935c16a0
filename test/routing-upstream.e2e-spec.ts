import OpenAI from 'openai';
import request from 'supertest';
import { startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import { RecorderService } from '../src/recording/recorder.service';
import { upstreamConfig } from './helpers/fake-gateway';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

async function count(gw: TestGateway, sql: string): Promise<number> {
  const rows = await gw.db.fork().getConnection().execute<{ n: number }[]>(sql);
  return Number(rows[0].n ?? 0);
}

describe('routing through openai-compatible to a local OpenAI-style server', () => {
  let fake: FakeUpstream;
  let gw: TestGateway;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeUpstream();
    gw = await startTestGateway((cfg) => upstreamConfig(cfg, fake.url));
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(async () => {
    await gw.stop();
    await fake.close();
  });

  it('requests reach the upstream with the upstream model name, and answers come back', async () => {
    const res = await client.chat.completions.create({
      model: 'fake-small',
      messages: [{ role: 'user', content: 'hello' }],
      temperature: 0.3,
    });
    expect(res.choices[0].message.content).toContain('Hello from the fake upstream');
    const sent = fake.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({
      model: 'fake-small',
      temperature: 0.3,
      messages: [{ role: 'user', content: 'hello' }],
    });
  });

  it('streams from the upstream through the gateway', async () => {
    const stream = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe(fake.reply.content);
  });

  it('/v1/models lists the catalogue', async () => {
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(['auto', 'fast', 'balanced', 'deep', 'fake-small', 'fake-large']);
  });

  it('model_performance and request_log reflect every call after flush()', async () => {
    const before = fake.requests.filter((r) => r.path === '/v1/chat/completions').length;
    const calls = 12;
    await Promise.all(
      Array.from({ length: calls }, (_, i) =>
        request(gw.url)
          .post('/v1/chat/completions')
          .set('x-request-id', `bulk-${i}`)
          .send({
            model: i % 2 ? 'fast' : 'balanced',
            messages: [{ role: 'user', content: `question ${i}` }],
            stream: i % 3 === 0,
          })
          .expect(200),
      ),
    );
    const total = before + calls;
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(total);
    await gw.app.get(RecorderService).flush();
    expect(await count(gw, 'select count(*)::int as n from request_log')).toBe(total);
    expect(await count(gw, 'select coalesce(sum(total_calls), 0)::int as n from model_performance')).toBe(total);
    expect(
      await count(
        gw,
        "select count(*)::int as n from request_log where client_request_id like 'bulk-%' and success and attempts = 1",
      ),
    ).toBe(calls);
    expect(
      await count(gw, "select count(*)::int as n from request_log where client_request_id like 'bulk-%' and stream"),
    ).toBe(4);
    expect(
      await count(
        gw,
        "select count(*)::int as n from request_log where client_request_id like 'bulk-%' and cost > 0 and tokens_in > 0 and tokens_out > 0",
      ),
    ).toBe(calls);
    const perf = await gw.db
      .fork()
      .getConnection()
      .execute<{ model_id: string; total_calls: number; success_rate: number }[]>(
        'select model_id, total_calls, success_rate from model_performance',
      );
    for (const p of perf) expect(Number(p.success_rate)).toBe(100);
  });

  it('a new rule from update_routing_heuristic applies to the next request without a restart', async () => {
    const prompt = 'Tell me about the migration habits of zebras';
    const before = await request(gw.url)
      .post('/v1/chat/completions')
      .send({ model: 'auto', messages: [{ role: 'user', content: prompt }] })
      .expect(200);
    // Without a rule the learned policy picks the model (it may explore either layer): no rule header.
    expect(before.headers['x-gateway-rule']).toBeUndefined();
    const created = await request(gw.url)
      .post('/tools/update_routing_heuristic')
      .send({ pattern: 'zebras?', preferredLayer: 'balanced', preferredModel: 'fake-large', reasoning: 'test' })
      .expect(200);
    const ruleId = created.body.rule.id;
    const after = await request(gw.url)
      .post('/v1/chat/completions')
      .send({ model: 'auto', messages: [{ role: 'user', content: prompt }] })
      .expect(200);
    expect(after.headers['x-gateway-rule']).toBe(String(ruleId));
    expect(after.headers['x-gateway-layer']).toBe('balanced');
    expect(after.headers['x-gateway-model']).toBe('fake-large');
    const routed = await request(gw.url).post('/tools/route').send({ prompt }).expect(200);
    expect(routed.body.decision).toMatchObject({
      rule: { id: ruleId, pattern: 'zebras?' },
      layer: 'balanced',
      model: 'fake-large',
      reason: 'rule',
    });
    await request(gw.url)
      .post('/tools/update_routing_heuristic')
      .send({ pattern: 'zebras?', preferredLayer: 'balanced', active: false })
      .expect(200);
    const off = await request(gw.url)
      .post('/v1/chat/completions')
      .send({ model: 'auto', messages: [{ role: 'user', content: prompt }] })
      .expect(200);
    expect(off.headers['x-gateway-rule']).toBeUndefined();
  });
});
