import { Injectable } from '@nestjs/common';
import { APP_VERSION, STARTED_AT } from '../common/app-info';
import { DatabaseService } from '../database/database.service';

export type HealthCheck = () => Promise<Record<string, unknown>> | Record<string, unknown>;

export interface HealthReport {
  /** degraded: a check reports trouble, or the database does not answer (routing still serves). */
  status: 'ok' | 'degraded';
  database: 'pglite' | 'postgres';
  databaseReachable: boolean;
  /** Why the status is degraded, one line each (empty when ok). */
  reasons: string[];
  version: string;
  uptime: number;
  checks: Record<string, unknown>;
}

@Injectable()
export class HealthService {
  private readonly checks = new Map<string, HealthCheck>();

  constructor(private readonly db: DatabaseService) {}

  /** Other modules add a named section to /health (providers, recorder buffer...). */
  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async report(): Promise<HealthReport> {
    const reachable = await this.db.ping();
    const checks: Record<string, unknown> = {};
    const reasons: string[] = [];
    let degraded = false;
    for (const [name, check] of this.checks) {
      try {
        const section = (checks[name] = await check()) as {
          degraded?: boolean;
          reasons?: unknown;
          lastError?: unknown;
        };
        if (!section?.degraded) continue;
        degraded = true;
        if (Array.isArray(section.reasons)) reasons.push(...section.reasons.map(String));
        else
          reasons.push(`${name} is degraded${typeof section.lastError === 'string' ? `: ${section.lastError}` : ''}`);
      } catch (err) {
        checks[name] = { error: (err as Error).message };
        reasons.push(`${name}: ${(err as Error).message}`);
        degraded = true;
      }
    }
    // The database down is "degraded", not "unavailable": routing keeps serving from its in-memory rules and
    // the recorder buffers what it must write, so taking this instance out of rotation would only add an outage.
    if (!reachable) {
      degraded = true;
      reasons.unshift('the database does not answer (routing serves from memory; records wait in the buffer)');
    }
    return {
      status: degraded ? 'degraded' : 'ok',
      database: this.db.kind,
      databaseReachable: reachable,
      reasons,
      version: APP_VERSION,
      uptime: Math.round((Date.now() - STARTED_AT) / 10) / 100,
      checks,
    };
  }
}
