import { z } from 'zod';

const gridPos = z.strictObject({
  h: z.number().int().positive(),
  w: z.number().int().min(1).max(24),
  x: z.number().int().min(0).max(23),
  y: z.number().int().min(0),
});
const datasource = z.object({ type: z.string().min(1), uid: z.string().min(1) });
const target = z.object({ refId: z.string().min(1), expr: z.string().min(1), datasource: datasource.optional() });
const row = z.object({
  id: z.number().int(),
  type: z.literal('row'),
  title: z.string(),
  gridPos,
  panels: z.array(z.unknown()),
});
const panel = z.object({
  id: z.number().int().positive(),
  type: z.enum(['timeseries', 'stat', 'gauge', 'table', 'bargauge', 'text', 'heatmap']),
  title: z.string().min(1),
  gridPos,
  datasource,
  targets: z.array(target).min(1),
  fieldConfig: z.object({ defaults: z.record(z.string(), z.unknown()), overrides: z.array(z.unknown()) }),
  options: z.record(z.string(), z.unknown()),
});

/**
 * The dashboard model Grafana imports (grafana.com/docs: dashboard JSON model): the top-level fields it
 * requires, panels with ids, a 24-column grid position and PromQL targets with refIds, template variables.
 */
const dashboard = z.object({
  title: z.string().min(1),
  uid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  schemaVersion: z.number().int().min(36),
  version: z.number().int(),
  editable: z.boolean(),
  time: z.object({ from: z.string(), to: z.string() }),
  refresh: z.string(),
  tags: z.array(z.string()),
  annotations: z.object({ list: z.array(z.unknown()) }),
  templating: z.object({
    list: z.array(
      z.object({
        name: z.string().regex(/^\w+$/),
        type: z.enum(['datasource', 'query', 'custom', 'interval', 'constant']),
      }),
    ),
  }),
  panels: z.array(z.union([row, panel])).min(1),
});

/** Problems with the dashboard JSON (empty when it is well formed): schema, unique ids, grid overlaps, unknown variables. */
export function checkDashboardShape(json: unknown): string[] {
  const parsed = dashboard.safeParse(json);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const d = parsed.data;
  const problems: string[] = [];
  const ids = d.panels.map((p) => p.id);
  if (new Set(ids).size !== ids.length) problems.push('panel ids are not unique');
  const variables = new Set(['__rate_interval', '__interval', ...d.templating.list.map((v) => v.name)]);
  const cells = new Set<string>();
  for (const p of d.panels) {
    const g = p.gridPos;
    if (g.x + g.w > 24) problems.push(`panel ${p.id} spans past the 24-column grid`);
    for (let x = g.x; x < g.x + g.w; x++)
      for (let y = g.y; y < g.y + g.h; y++) {
        if (cells.has(`${x},${y}`)) problems.push(`panel ${p.id} overlaps another at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
    if (p.type === 'row') continue;
    const refIds = p.targets.map((t) => t.refId);
    if (new Set(refIds).size !== refIds.length) problems.push(`panel ${p.id} repeats a refId`);
    for (const t of p.targets)
      for (const [, name] of t.expr.matchAll(/\$(?:\{)?(\w+)/g))
        if (!variables.has(name)) problems.push(`panel ${p.id} uses the unknown variable $${name}`);
  }
  return [...new Set(problems)];
}

/** Every gateway metric the dashboard's queries name (panels and template variables). */
export function dashboardMetrics(json: {
  panels: Array<{ targets?: Array<{ expr: string }> }>;
  templating: unknown;
}): string[] {
  const text = [
    ...json.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    JSON.stringify(json.templating),
  ].join('\n');
  return [...new Set([...text.matchAll(/\b(gateway_[a-z0-9_]+)\b/g)].map((m) => m[1]))].sort();
}

/** The series names a /metrics text exposes: each declared metric (and a histogram's _bucket, _sum, _count). */
export function metricsExposed(text: string): Set<string> {
  const out = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    out.add(name);
    if (type === 'histogram' || type === 'summary') for (const s of ['_bucket', '_sum', '_count']) out.add(name + s);
  }
  return out;
}
