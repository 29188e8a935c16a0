import { MetricsService } from '../observability/metrics.service';
import { RecordingMetrics } from './recording-metrics';
import type { RequestRecord } from './recording.types';

const record = (o: Partial<RequestRecord>): RequestRecord => ({
  id: 'r',
  ts: 0,
  taskType: 'chat',
  layer: 'fast',
  model: 'm1',
  ruleId: null,
  strategyArm: null,
  tokensIn: 0,
  tokensOut: 0,
  cost: 0,
  latencyMs: 250,
  success: true,
  errorClass: null,
  attempts: 1,
  stream: false,
  calls: [],
  ...o,
});

describe('RecordingMetrics', () => {
  it('labels latency by model, and counts a client that left as client_closed, not as a failure', async () => {
    const service = new MetricsService();
    const metrics = new RecordingMetrics(service);
    metrics.observe([
      record({}),
      record({ model: 'm2', success: false, errorClass: 'upstream_error' }),
      record({ model: 'm2', success: false, errorClass: 'client_closed' }),
    ]);
    const text = await service.render();
    expect(text).toContain('gateway_routed_requests_total{model="m1",layer="fast",outcome="success"} 1');
    expect(text).toContain('gateway_routed_requests_total{model="m2",layer="fast",outcome="failure"} 1');
    expect(text).toContain('gateway_routed_requests_total{model="m2",layer="fast",outcome="client_closed"} 1');
    expect(text).toContain(
      'gateway_routed_request_duration_seconds_bucket{le="0.25",model="m1",layer="fast",outcome="success"} 1',
    );
    expect(text).toContain(
      'gateway_routed_request_duration_seconds_count{model="m2",layer="fast",outcome="client_closed"} 1',
    );
  });
});
