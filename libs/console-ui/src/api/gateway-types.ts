/**
 * The shapes of the existing tools' answers that the console reads, as their output schemas declare them
 * (src/heuristics, bug-patterns, regression-tests, analytics, optimizer, providers). The backend files
 * carry ORM and Nest imports that a browser build cannot type-check, so the console states what it
 * relies on here; src/console/console-ui-types.spec.ts checks at typecheck time that the backend still
 * produces these shapes. The new tools' types come from @ai-mcp-gateway/console-contract.
 */
export type Layer = 'fast' | 'balanced' | 'deep';
export type Scope = 'route' | 'tools:read' | 'tools:write' | 'admin';
export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** GET /tools */
export interface ToolInfo {
  name: string;
  description: string;
  readOnly: boolean;
  scope: Scope;
}

/** A 4xx/5xx answer of a tool door: `{error, kind, issues}`. */
export interface ToolErrorBody {
  error: string;
  kind?: string;
  issues?: { path: string; message: string }[];
}

export interface RoutingRule {
  id: number;
  pattern: string;
  preferredLayer: Layer;
  preferredModel: string | null;
  priority: number;
  active: boolean;
  pinned: boolean;
  source: 'manual' | 'optimizer';
  metadata: { successRate?: number; usageCount?: number; reasoning?: string; [k: string]: unknown };
  createdAt: string;
  updatedAt: string;
}
export interface RoutingRulesPage {
  items: RoutingRule[];
  total: number;
}
export interface UpdateRoutingHeuristicInput {
  pattern: string;
  preferredLayer: Layer;
  preferredModel?: string | null;
  reasoning?: string;
  active?: boolean;
  priority?: number;
  pinned?: boolean;
}
export interface UpdateRoutingHeuristicResult {
  rule: RoutingRule;
  created: boolean;
}

export interface BugPattern {
  id: number;
  category: string;
  pattern: string;
  description: string;
  solution: string | null;
  occurrences: number;
  severity: Severity;
  fingerprint: string;
  firstSeen: string;
  lastSeen: string;
}
export interface BugPatternsPage {
  items: BugPattern[];
  total: number;
}

export interface RegressionTest {
  id: number;
  testName: string;
  category: string;
  description: string;
  testCode: string;
  expectedBehavior: string;
  discoveredFrom: 'bug' | 'pattern' | 'user-feedback';
  metadata: Record<string, unknown>;
  replay: Record<string, unknown> | null;
  lastRunAt: string | null;
  lastResult: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface RegressionTestsPage {
  items: RegressionTest[];
  total: number;
}

export interface ModelRanking {
  rank: number;
  modelId: string;
  totalCalls: number;
  successes: number;
  successRate: number;
  avgLatencyMs: number;
  avgCost: number;
}
export interface AnalyzeMetricsResult {
  taskType: string | null;
  models: ModelRanking[];
}

export interface CatalogueModel {
  id: string;
  provider: string;
  upstreamModel: string;
  layer: Layer;
  price: { input: number; output: number };
  contextWindow: number;
  strengths: string[];
  /** Can serve now: provider ready, listed by it, circuit breaker not open. */
  available: boolean;
  breaker: 'closed' | 'open' | 'half-open';
  /** Why it is not available (empty when it is). */
  reasons: string[];
}
export interface ProviderState {
  id: string;
  plugin: string;
  state: 'ready' | 'failed' | 'disabled';
  error?: string;
  /** Loaded, API key present, last probe ok. */
  ready: boolean;
  apiKey: 'present' | 'missing' | 'none';
  lastProbe: { at: string; ok: boolean; detail: string | null; latencyMs: number } | null;
  reasons: string[];
}
export interface ListModelsResult {
  models: CatalogueModel[];
  providers: ProviderState[];
}

export interface OptimizerChange {
  kind: string;
  target: string;
  before: unknown;
  after: unknown;
  evidence: Record<string, unknown>;
}
export interface PolicyView {
  taskType: string;
  observed: number;
  warm: boolean;
  models: { model: string; n: number; successRate: number; utility: number }[];
}
export interface OptimizerRun {
  id: number;
  trigger: string;
  tick: string | null;
  startedAt: string;
  finishedAt: string | null;
  changes: OptimizerChange[];
}
export interface OptimizerRunsResult {
  runs: OptimizerRun[];
  policy: PolicyView[];
}
export interface RunOptimizerResult {
  ran: boolean;
  runId: number | null;
  trigger: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  changes: OptimizerChange[];
  policy: PolicyView[];
}

export type StrategyName = 'learned' | 'static' | 'cheapest' | 'greedy';
export interface AbTest {
  id: number;
  name: string;
  strategyA: string;
  strategyB: string;
  split: number;
  taskType: string | null;
  status: string;
  winner: string | null;
  result: Record<string, unknown> | null;
  startedAt: string;
  finishedAt: string | null;
}
export interface AbTestsResult {
  tests: AbTest[];
}
export interface StartAbTestInput {
  name: string;
  strategyA: StrategyName;
  strategyB: StrategyName;
  split?: number;
  taskType?: string;
}

/** GET /health (public). */
export interface HealthReport {
  status: string;
  /** Why the status is degraded, one line each. */
  reasons: string[];
  database: string;
  databaseReachable: boolean;
  version: string;
  uptime: number;
}
