/** Number formats the console uses everywhere, so a figure reads the same on every page. */
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const DASH = '—';

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? DASH : integer.format(n);
}

/** A rate such as requests per minute: one decimal below 100, whole numbers above. */
export function fmtRate(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return n >= 100 || Number.isInteger(n) ? integer.format(n) : oneDecimal.format(n);
}

/** A share 0-1 as a percentage. */
export function fmtShare(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return DASH;
  return `${(share * 100).toFixed(digits)}%`;
}

/** A percentage already 0-100 (model_performance.success_rate). */
export function fmtPercent(p: number | null | undefined, digits = 1): string {
  return p === null || p === undefined || !Number.isFinite(p) ? DASH : `${p.toFixed(digits)}%`;
}

/** USD with enough significant digits for per-request costs ($0.000246) and plain cents for totals. */
export function fmtUsd(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  if (n === 0) return '$0';
  const abs = Math.abs(n);
  if (abs >= 100) return `$${integer.format(n)}`;
  if (abs >= 0.01) return `$${n.toFixed(2)}`;
  if (abs < 0.000001) return n > 0 ? '<$0.000001' : '-<$0.000001';
  // Three significant digits, without trailing zeros: $0.000246, $0.0002.
  return `$${n.toPrecision(3).replace(/\.?0+$/, '')}`;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  if (ms === 0) return '0 ms';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;
}

export function fmtNumber(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return Number(n.toFixed(digits)).toString();
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function fmtTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : timeOnly.format(d);
}

/** "3 min ago"; the absolute time goes in a title attribute beside it. */
export function fmtAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return DASH;
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (!Number.isFinite(seconds)) return iso;
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

export function fmtDuration(startIso: string, endIso: string | null): string {
  if (!endIso) return DASH;
  return fmtMs(new Date(endIso).getTime() - new Date(startIso).getTime());
}

/** Compact JSON for before/after cells and evidence values. */
export function fmtValue(v: unknown): string {
  if (v === null || v === undefined) return DASH;
  if (typeof v === 'number') return fmtNumber(v, 4);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.map(fmtValue).join(', ');
  return JSON.stringify(v);
}
