import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/app-info';
import { tracingConfigured } from '../src/observability/tracing/tracing.service';
import { OtlpReceiver, ReceivedSpan } from './helpers/otlp-receiver';
import { listeningUrl, spawnEntry, Spawned, waitFor } from './helpers/process';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

const SECRET_PROMPT = 'tell me about the zebra-canary-4417 please';

describe('OpenTelemetry traces (a local OTLP/HTTP receiver)', () => {
  let receiver: OtlpReceiver;
  let tdb: TestDatabase;
  let proc: Spawned;
  let url: string;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    tdb = await createTestDatabase();
    const tmp = mkdtempSync(join(tmpdir(), 'gw-traces-'));
    proc = spawnEntry('main', [], {
      GATEWAY_CONFIG: join(PROJECT_ROOT, 'test/fixtures/gateway.test.yaml'),
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_SERVICE_NAME: 'gateway-under-test',
      ...(tdb.target.url ? { DATABASE_URL: tdb.target.url } : { DATA_DIR: join(tmp, 'data') }),
    });
    url = await listeningUrl(proc, 45000).catch((err: Error) => {
      throw new Error(`${err.message}\n${proc.stdout().slice(-1500)}`);
    });
  }, 60000);

  afterAll(async () => {
    if (proc) {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
    await receiver?.close();
    await tdb?.drop();
  });

  const traceOf = (requestId: string): Promise<ReceivedSpan[]> =>
    waitFor(
      () => {
        const root = receiver.spans.find((s) => s.attributes['gateway.request_id'] === requestId);
        if (!root) return undefined;
        const spans = receiver.spans.filter((s) => s.traceId === root.traceId);
        return spans.some((s) => s.name === 'gateway.record') ? spans : undefined;
      },
      10000,
      `the spans of request ${requestId}`,
    );

  it('one chat request is one trace: the request span with the decision, the attempt and the recording under it, GenAI attributes, no prompt text', async () => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-1' },
      body: JSON.stringify({ model: 'auto', max_tokens: 64, messages: [{ role: 'user', content: SECRET_PROMPT }] }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    const spans = await traceOf(res.headers.get('x-request-id')!);
    const root = spans.find((s) => s.parentSpanId === '')!;
    expect(root).toBeDefined();
    expect(root.name).toBe('chat auto');
    expect(root.resource['service.name']).toBe('gateway-under-test');
    const model = res.headers.get('x-gateway-model')!;
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'auto',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.response.model': model,
      'gen_ai.system': 'sim',
      'gen_ai.usage.input_tokens': answer.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': answer.usage.completion_tokens,
      'gateway.model': model,
      'gateway.success': true,
    });
    const children = spans.filter((s) => s.parentSpanId === root.spanId);
    expect(children.map((s) => s.name).sort()).toEqual(['chat ' + model, 'gateway.decide', 'gateway.record'].sort());
    const decide = children.find((s) => s.name === 'gateway.decide')!;
    expect(decide.attributes).toMatchObject({
      'gateway.task_type': expect.any(String),
      'gateway.layer': expect.any(String),
    });
    const attempt = children.find((s) => s.name === `chat ${model}`)!;
    expect(attempt.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(attempt.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': model,
      'gen_ai.provider.name': 'sim',
      'gateway.attempt': 1,
    });
    expect(spans).toHaveLength(4);
    expect(receiver.bodies.join('\n')).not.toContain('zebra-canary');
  });

  it('a request for an unknown model ends its trace with the error and no attempt', async () => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-2' },
      body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(404);
    const root = await waitFor(
      () => receiver.spans.find((s) => s.attributes['gateway.request_id'] === res.headers.get('x-request-id')),
      10000,
      'the failed request span',
    );
    expect(root.status.code).toBe(2); // STATUS_CODE_ERROR
    expect(root.attributes['error.type']).toBe('model_not_found');
    expect(receiver.spans.filter((s) => s.traceId === root.traceId)).toHaveLength(1);
  });

  it('is off unless an OTLP endpoint is configured', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });
});
