import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { ALERT_KINDS, CONSOLE_TOOLS, ConsoleToolOutput, getAlertsInput } from '@ai-mcp-gateway/console-contract';
import { Tool } from '../tools/tool.decorator';
import type { AlertRecord } from './alerts.repository';
import { AlertsService } from './alerts.service';

type Output = ConsoleToolOutput<'get_alerts'>;

/** get_alerts: the alerts table, newest first, with each event's webhook delivery. */
@Injectable()
export class AlertsTools {
  constructor(private readonly alerts: AlertsService) {}

  @Tool({
    name: 'get_alerts',
    ...CONSOLE_TOOLS.get_alerts,
    text: (r: Output) =>
      [
        `${r.items.length} of ${r.total} alert(s)`,
        ...r.items.map((a) => `${a.openedAt} #${a.id} ${a.severity} ${a.kind} ${a.subject}: ${a.message}`),
      ].join('\n'),
  })
  async getAlerts(input: z.output<typeof getAlertsInput>): Promise<Output> {
    const { items, total } = await this.alerts.list(input.status, input.limit, input.offset);
    return { items: items.map(toItem), total };
  }
}

function toItem(a: AlertRecord): Output['items'][number] {
  const delivered = a.attempts > 0 || a.nextAttemptAt !== null || a.deliveredAt !== null;
  return {
    id: a.id,
    kind: (ALERT_KINDS as readonly string[]).includes(a.kind)
      ? (a.kind as (typeof ALERT_KINDS)[number])
      : 'replay_failed',
    severity: a.severity as Output['items'][number]['severity'],
    subject: a.subject,
    message: a.message,
    openedAt: a.openedAt.toISOString(),
    resolvedAt: a.resolvedAt ? a.resolvedAt.toISOString() : null,
    evidence: a.evidence,
    value: a.value,
    baseline: a.baseline,
    window: a.window,
    delivery: delivered
      ? {
          deliveredAt: a.deliveredAt ? a.deliveredAt.toISOString() : null,
          attempts: a.attempts,
          nextAttemptAt: a.nextAttemptAt ? a.nextAttemptAt.toISOString() : null,
          lastError: a.lastError,
        }
      : null,
  };
}
