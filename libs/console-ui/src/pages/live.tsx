import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { RequestLogRow } from '@ai-mcp-gateway/console-contract';
import { REQUEST_EVENT_NAME, REQUEST_EVENTS_PATH } from '../api/events';
import { followEvents, StreamStatus } from '../api/sse';
import { useSession } from '../api/session';
import { PageHeader } from '../components/shell';
import { Badge, Empty, ErrorNote, NotAvailable, Panel } from '../components/ui';
import { fmtInt, fmtMs, fmtShare, fmtTime, fmtUsd } from '../lib/format';

const KEEP = 500;

function merge(rows: RequestLogRow[], incoming: RequestLogRow[]): RequestLogRow[] {
  const seen = new Set(rows.map((r) => r.id));
  const fresh = incoming.filter((r) => !seen.has(r.id));
  return [...fresh, ...rows].sort((a, b) => b.ts.localeCompare(a.ts)).slice(0, KEEP);
}

const STATUS_TONE: Record<StreamStatus, 'ok' | 'warn' | 'bad' | 'muted'> = {
  live: 'ok',
  connecting: 'muted',
  reconnecting: 'warn',
  stopped: 'bad',
};

function LiveLog() {
  const { client, onRefused } = useSession();
  const [rows, setRows] = useState<RequestLogRow[]>([]);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [error, setError] = useState<Error | null>(null);
  const [paused, setPaused] = useState(false);
  const [model, setModel] = useState('');
  const pending = useRef<RequestLogRow[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const [held, setHeld] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    const backlog = () =>
      client.readContract('get_request_log', { limit: 100 }).then(
        (page) => setRows((r) => merge(r, page.items)),
        (err: Error) => setError(err),
      );
    void followEvents(client, REQUEST_EVENTS_PATH, abort.signal, {
      onConnect: () => void backlog(),
      onStatus: (s, err) => {
        setStatus(s);
        if (err) {
          setError(err);
          onRefused(err);
        }
      },
      onEvent: (event, data) => {
        if (event !== REQUEST_EVENT_NAME) return;
        let row: RequestLogRow;
        try {
          row = JSON.parse(data) as RequestLogRow;
        } catch {
          return;
        }
        if (pausedRef.current) {
          pending.current.push(row);
          setHeld(pending.current.length);
        } else setRows((r) => merge(r, [row]));
      },
    });
    return () => abort.abort();
  }, [client]);

  const resume = () => {
    setRows((r) => merge(r, pending.current));
    pending.current = [];
    setHeld(0);
    setPaused(false);
  };
  const models = useMemo(() => [...new Set(rows.map((r) => r.model))].sort(), [rows]);
  const shown = model ? rows.filter((r) => r.model === model) : rows;

  return (
    <Panel
      title="Request log"
      subtitle="As stored in request_log: no prompt or answer text, no keys."
      wide
      testId="live-panel"
      actions={
        <>
          <Badge tone={STATUS_TONE[status]}>{status}</Badge>
          <select value={model} onChange={(e) => setModel(e.currentTarget.value)} aria-label="Model filter">
            <option value="">all models</option>
            {models.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          {paused ? (
            <button type="button" class="btn btn-small" onClick={resume}>
              Resume{held ? ` (${held} new)` : ''}
            </button>
          ) : (
            <button type="button" class="btn btn-small" onClick={() => setPaused(true)}>
              Pause
            </button>
          )}
        </>
      }
    >
      {error && <ErrorNote error={error} />}
      {shown.length === 0 ? (
        <Empty>Waiting for requests… Each routed request appears here as it is recorded.</Empty>
      ) : (
        <div class="table-wrap">
          <table data-testid="live-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Request</th>
                <th>Task</th>
                <th>Layer</th>
                <th>Model</th>
                <th>Rule / arm</th>
                <th class="num">Tokens in / out</th>
                <th class="num">Cost</th>
                <th class="num">Latency</th>
                <th class="num">Attempts</th>
                <th>Outcome</th>
                <th class="num">Feedback</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.id} data-request-id={r.id}>
                  <td class="mono">{fmtTime(r.ts)}</td>
                  <td class="mono" title={r.id}>
                    {r.id.slice(0, 8)}
                  </td>
                  <td>{r.taskType}</td>
                  <td>{r.layer}</td>
                  <td class="mono">{r.model}</td>
                  <td class="small">
                    {r.ruleId !== null ? `rule #${r.ruleId}` : ''}
                    {r.strategyArm ? ` ${r.strategyArm}` : ''}
                  </td>
                  <td class="num">
                    {fmtInt(r.tokensIn)} / {fmtInt(r.tokensOut)}
                  </td>
                  <td class="num">{fmtUsd(r.cost)}</td>
                  <td class="num">{fmtMs(r.latencyMs)}</td>
                  <td class="num">{r.attempts}</td>
                  <td>
                    {r.success ? <Badge tone="ok">ok</Badge> : <Badge tone="bad">{r.errorClass ?? 'failed'}</Badge>}
                  </td>
                  <td class="num">{r.feedbackScore === null ? '—' : fmtShare(r.feedbackScore, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

export function LivePage() {
  const { has } = useSession();
  return (
    <>
      <PageHeader title="Live" lead="Routed requests as they happen." />
      <div class="grid">
        {has('get_request_log') ? (
          <LiveLog />
        ) : (
          <Panel title="Request log" wide testId="live-panel">
            <NotAvailable
              tool="get_request_log"
              what={`the request log as it happens (the ${REQUEST_EVENTS_PATH} event stream, after a page of get_request_log)`}
            />
          </Panel>
        )}
      </div>
    </>
  );
}
