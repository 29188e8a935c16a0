import { expect, it } from '@jest/globals';
import type { Harness } from './harness';
import { abortAfter, callOptions, drain, request, settle } from './helpers';

/** Slack on top of the deadline or abort time: "promptly" means within a second. */
const PROMPT_MS = 1000;

/** Deadlines and aborts: every plugin must stop within a second and say why. */
export function registerDeadlineTests(h: Harness): void {
  it('a chat call that exceeds timeoutMs fails with timeout, promptly', async () => {
    const instance = await h.slowChat();
    const outcome = await settle(() => instance.chat(request(h.cfg.model), callOptions(300)));
    h.state.checkKind(outcome, 'timeout');
    expect(outcome.ms).toBeLessThan(300 + PROMPT_MS);
  });

  it('aborting the signal cancels a chat call within 1 s', async () => {
    const instance = await h.slowChat();
    const abort = abortAfter(100);
    const outcome = await settle(() => instance.chat(request(h.cfg.model), callOptions(30_000, abort.signal)));
    abort.cancel();
    h.state.checkKind(outcome, 'cancelled');
    expect(outcome.ms).toBeLessThan(100 + PROMPT_MS);
  });

  it('an abort whose reason is a TimeoutError is reported as timeout', async () => {
    const instance = await h.slowChat();
    const abort = abortAfter(100, new DOMException('gateway deadline', 'TimeoutError'));
    const outcome = await settle(() => instance.chat(request(h.cfg.model), callOptions(30_000, abort.signal)));
    abort.cancel();
    h.state.checkKind(outcome, 'timeout');
    expect(outcome.ms).toBeLessThan(100 + PROMPT_MS);
  });

  it('an already aborted signal fails at once, without calling the upstream', async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await settle(() => h.main.chat(request(h.cfg.model), callOptions(5000, controller.signal)));
    h.state.checkKind(outcome, 'cancelled');
    expect(outcome.ms).toBeLessThan(PROMPT_MS);
    if (h.upstream) expect(h.upstream.requests).toHaveLength(0);
  });

  it('aborting the signal ends a stream within 1 s with cancelled', async () => {
    const instance = await h.slowStream();
    const abort = abortAfter(300);
    const outcome = await settle(() =>
      drain(instance.chatStream(request(h.cfg.model), callOptions(30_000, abort.signal))),
    );
    abort.cancel();
    h.state.checkKind(outcome, 'cancelled');
    expect(outcome.ms).toBeLessThan(300 + PROMPT_MS);
  });

  it('a stream that exceeds timeoutMs fails with timeout, promptly', async () => {
    const instance = await h.slowStream();
    const outcome = await settle(() => drain(instance.chatStream(request(h.cfg.model), callOptions(300))));
    h.state.checkKind(outcome, 'timeout');
    expect(outcome.ms).toBeLessThan(300 + PROMPT_MS);
  });

  it('still answers after a cancelled call', async () => {
    const instance = await h.slowChat();
    const controller = new AbortController();
    const pending = settle(() => instance.chat(request(h.cfg.model), callOptions(30_000, controller.signal)));
    setTimeout(() => controller.abort(), 50);
    h.state.checkKind(await pending, 'cancelled');
    const res = await h.main.chat(request(h.cfg.model), callOptions());
    expect((res.content ?? '').length).toBeGreaterThan(0);
  });
}
