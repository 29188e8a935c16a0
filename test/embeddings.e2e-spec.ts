import OpenAI from 'openai';
import { fakeVector, startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import { RecorderService } from '../src/recording/recorder.service';
import { crossFormatConfig, sentBodies } from './helpers/cross-format';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

async function rows(gw: TestGateway, sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  return gw.db.fork().getConnection().execute(sql, params);
}

const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('POST /v1/embeddings with the official openai client', () => {
  describe('through the openai-compatible plugin to a local fake upstream', () => {
    let fake: FakeUpstream;
    let gw: TestGateway;
    let openai: OpenAI;
    beforeAll(async () => {
      fake = await startFakeUpstream({ models: ['fake-small', 'fake-vision', 'claude-fake', 'fake-embed'] });
      gw = await startTestGateway((cfg) => {
        crossFormatConfig(cfg, fake.url);
        cfg.models.push({
          id: 'embed-1',
          upstreamModel: 'fake-embed',
          provider: 'oa',
          kind: 'embedding',
          price: { input: 0.02, output: 0 },
          contextWindow: 8192,
          strengths: [],
        });
      });
      openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
    });
    beforeEach(() => fake.reset());
    afterAll(async () => {
      await gw.stop();
      await fake.close();
    });

    it('returns the upstream vectors (base64 by default, as the client asks), costed and recorded', async () => {
      const { data: res, response } = await openai.embeddings
        .create({ model: 'embed-1', input: ['first text', 'second text'] })
        .withResponse();
      expect(res.model).toBe('embed-1');
      expect(res.data.map((d) => d.index)).toEqual([0, 1]);
      res.data.forEach((d, i) => {
        const expected = fakeVector(['first text', 'second text'][i], 8);
        d.embedding.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
      });
      expect(res.usage.prompt_tokens).toBeGreaterThan(0);
      expect(sentBodies(fake, '/v1/embeddings')).toEqual([
        { model: 'fake-embed', input: ['first text', 'second text'], encoding_format: 'float' },
      ]);
      await gw.app.get(RecorderService).flush();
      const [row] = await rows(gw, 'select task_type, model, cost, success, tokens_in from request_log where id = ?', [
        response.headers.get('x-request-id'),
      ]);
      expect(row).toMatchObject({ task_type: 'embedding', model: 'embed-1', success: true });
      expect(Number(row.cost)).toBeCloseTo((Number(row.tokens_in) * 0.02) / 1e6, 12);
    });

    it('takes float output, one string, dimensions and model auto', async () => {
      const res = await openai.embeddings.create({
        model: 'auto',
        input: 'one text',
        encoding_format: 'float',
        dimensions: 4,
      });
      expect(res.data).toHaveLength(1);
      expect(res.data[0].embedding).toEqual(fakeVector('one text', 4));
      expect(sentBodies(fake, '/v1/embeddings')[0]).toMatchObject({ dimensions: 4 });
    });

    it('refuses bad input and unknown or chat models in OpenAI error shape, sending nothing upstream', async () => {
      const refused = async (params: Record<string, unknown>) => {
        const err = await openai.embeddings.create(params as never).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OpenAI.APIError);
        return err as InstanceType<typeof OpenAI.APIError>;
      };
      const empty = await refused({ model: 'embed-1', input: [] });
      expect([empty.status, empty.param]).toEqual([400, 'input']);
      const tokens = await refused({ model: 'embed-1', input: [[1, 2, 3]] });
      expect(tokens.status).toBe(400);
      const chat = await refused({ model: 'fake-small', input: 'x' });
      expect([chat.status, chat.code, chat.param]).toEqual([404, 'model_not_found', 'model']);
      expect(chat.message).toContain('embed-1');
      expect(sentBodies(fake, '/v1/embeddings')).toEqual([]);
    });

    it('answers an upstream failure as a gateway error, recorded as failed', async () => {
      fake.fail({ type: 'status', status: 500 }, { path: '/v1/embeddings' });
      const err = (await openai.embeddings.create({ model: 'embed-1', input: 'x' }).catch((e: unknown) => e)) as {
        status: number;
        requestID?: string | null;
      };
      expect(err.status).toBe(502);
      await gw.app.get(RecorderService).flush();
      const [row] = await rows(gw, 'select success, error_class from request_log where id = ?', [err.requestID]);
      expect(row).toMatchObject({ success: false, error_class: 'upstream_error' });
    });
  });

  describe('on the simulated provider (offline)', () => {
    let gw: TestGateway;
    let openai: OpenAI;
    beforeAll(async () => {
      gw = await startTestGateway((cfg) => {
        (cfg.providers[0].options as { embeddingModels?: unknown }).embeddingModels = [
          { id: 'sim-embed', dimensions: 64 },
        ];
        cfg.models.push({
          id: 'sim-embed',
          provider: 'sim',
          kind: 'embedding',
          price: { input: 0.01, output: 0 },
          contextWindow: 8192,
          strengths: [],
        });
      });
      openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
    });
    afterAll(() => gw.stop());

    it('gives unit vectors where texts that share words are closer than unrelated ones', async () => {
      const res = await openai.embeddings.create({
        model: 'sim-embed',
        input: ['the cat sat on the mat', 'the cat sat on a mat', 'quarterly revenue grew'],
      });
      const [a, b, c] = res.data.map((d) => d.embedding);
      expect(a).toHaveLength(64);
      expect(cosine(a, a)).toBeCloseTo(1, 5);
      expect(cosine(a, b)).toBeGreaterThan(cosine(a, c));
    });

    it('keeps embedding models out of chat routing and GET /v1/models stays chat-only', async () => {
      const err = (await openai.chat.completions
        .create({ model: 'sim-embed', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e)) as { status: number; message: string };
      expect(err.status).toBe(404);
      expect(err.message).toContain('"sim-embed" is an embedding model: send it to POST /v1/embeddings');
      const chat = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
      expect(chat.model).not.toBe('sim-embed');
    });
  });
});
