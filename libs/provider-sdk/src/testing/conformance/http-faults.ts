import { describe, expect, it } from '@jest/globals';
import type { ProviderErrorKind } from '../../errors';
import { unusedLocalUrl, type FakeUpstream, type Fault } from '../fake-upstream';
import type { ProviderInstance } from '../../types';
import type { Harness } from './harness';
import { callOptions, drain, request, settle } from './helpers';

interface FaultCase {
  name: string;
  fault: Fault;
  kind: ProviderErrorKind | ProviderErrorKind[];
  status?: number;
  retryAfterMs?: number;
}

/** Faults that both chat and chatStream must map the same way. */
const BOTH: FaultCase[] = [
  {
    name: '429 with Retry-After -> rate_limited',
    fault: { type: 'status', status: 429, retryAfter: '2' },
    kind: 'rate_limited',
    status: 429,
    retryAfterMs: 2000,
  },
  { name: '500 -> upstream', fault: { type: 'status', status: 500 }, kind: 'upstream', status: 500 },
  {
    name: '503 with Retry-After -> upstream',
    fault: { type: 'status', status: 503, retryAfter: '1' },
    kind: 'upstream',
    status: 503,
    retryAfterMs: 1000,
  },
  { name: '401 -> auth', fault: { type: 'status', status: 401 }, kind: 'auth', status: 401 },
  { name: '400 -> bad_request', fault: { type: 'status', status: 400 }, kind: 'bad_request', status: 400 },
  { name: '404 -> not_found', fault: { type: 'status', status: 404 }, kind: 'not_found', status: 404 },
  { name: 'connection destroyed before answering -> connection', fault: { type: 'destroy' }, kind: 'connection' },
  { name: 'malformed body -> malformed_response', fault: { type: 'malformed' }, kind: 'malformed_response' },
];

const CHAT_ONLY: FaultCase[] = [
  {
    name: 'JSON of the wrong shape -> malformed_response',
    fault: { type: 'malformed', variant: 'shape' },
    kind: 'malformed_response',
  },
];

/** Failures in the middle of a stream: any kind will do, as long as it is a ProviderError and comes fast. */
const MID_STREAM: FaultCase[] = [
  {
    name: 'socket destroyed mid-stream',
    fault: { type: 'stream_cut' },
    kind: ['connection', 'malformed_response', 'upstream'],
  },
  {
    name: 'body ended mid-stream without a terminator',
    fault: { type: 'stream_cut', graceful: true },
    kind: ['connection', 'malformed_response', 'upstream'],
  },
  { name: 'in-band error event mid-stream -> upstream', fault: { type: 'stream_error' }, kind: 'upstream' },
];

function checkExtras(h: Harness, c: FaultCase, err: { status?: number; retryAfterMs?: number }): void {
  if (c.status !== undefined) expect(err.status).toBe(c.status);
  if (c.retryAfterMs !== undefined) expect(err.retryAfterMs).toBe(c.retryAfterMs);
  // The gateway owns retries: a plugin that retried on its own would multiply them.
  expect((h.upstream as FakeUpstream).requests).toHaveLength(1);
}

/** Upstream failures, played by the fake upstream, and the ProviderError each must become. */
export function registerHttpFaultTests(h: Harness): void {
  describe('chat maps upstream faults', () => {
    for (const c of [...BOTH, ...CHAT_ONLY]) {
      it(c.name, async () => {
        h.upstream?.fail(c.fault);
        const err = await h.state.expectKind(h.main.chat(request(h.cfg.model), callOptions()), c.kind);
        checkExtras(h, c, err);
      });
    }
  });

  describe('chatStream maps upstream faults', () => {
    for (const c of [...BOTH, ...MID_STREAM]) {
      it(c.name, async () => {
        h.upstream?.fail(c.fault);
        const outcome = await settle(() => drain(h.main.chatStream(request(h.cfg.model), callOptions())));
        const err = h.state.checkKind(outcome, c.kind);
        expect(outcome.ms).toBeLessThan(2000);
        checkExtras(h, c, err);
      });
    }
  });

  describe('connection refused', () => {
    let refused: ProviderInstance;
    it('chat, chatStream and listModels fail with connection', async () => {
      refused = await h.state.instance(h.optionsFor(await unusedLocalUrl()));
      await h.state.expectKind(refused.chat(request(h.cfg.model), callOptions()), 'connection');
      await h.state.expectKind(drain(refused.chatStream(request(h.cfg.model), callOptions())), 'connection');
      const listed = await settle(() => refused.listModels());
      // A plugin with a static model list need not touch the network to list models.
      if (!listed.ok) h.state.checkKind(listed, 'connection');
    });

    it('healthCheck, where implemented, reports not ok instead of throwing', async () => {
      if (!refused.healthCheck) return;
      const status = await refused.healthCheck();
      expect(status.ok).toBe(false);
    });
  });
}
