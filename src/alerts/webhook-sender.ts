import { Injectable } from '@nestjs/common';
import { backoffDelay } from '../common/backoff';

/** POSTs one JSON event; the error text when it was not taken (no answer, or not a 2xx), else undefined. */
@Injectable()
export class WebhookSender {
  async post(url: string, body: unknown, timeoutMs: number): Promise<string | undefined> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'ai-mcp-gateway-alerts' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? undefined : `HTTP ${res.status}`;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return cause ?? (err as Error).message;
    }
  }

  /** Delay before retry number `attempt`. */
  delay(attempt: number, baseMs: number, maxMs: number): number {
    return backoffDelay(attempt, { baseMs, maxMs });
  }
}
