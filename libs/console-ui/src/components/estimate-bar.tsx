import { fmtShare } from '../lib/format';

/** An estimated quality (0-1) with its interval: a band from lower to upper and a mark at the mean. */
export function EstimateBar(props: { mean: number; lower: number; upper: number; n: number }) {
  const pct = (v: number) => `${Math.max(0, Math.min(1, v)) * 100}%`;
  return (
    <div
      class="estimate"
      title={`${fmtShare(props.mean)} (${fmtShare(props.lower)}–${fmtShare(props.upper)}), n = ${props.n}`}
    >
      <div class="estimate-track">
        <div class="estimate-band" style={{ left: pct(props.lower), width: pct(props.upper - props.lower) }} />
        <div class="estimate-mean" style={{ left: pct(props.mean) }} />
      </div>
      <span class="estimate-text">
        {fmtShare(props.mean)}{' '}
        <span class="muted">
          ({fmtShare(props.lower, 0)}–{fmtShare(props.upper, 0)})
        </span>
      </span>
    </div>
  );
}

/** A share of traffic as a thin bar with its percentage. */
export function ShareBar(props: { share: number }) {
  return (
    <div class="share">
      <div class="share-track">
        <div class="share-fill" style={{ width: `${Math.max(0, Math.min(1, props.share)) * 100}%` }} />
      </div>
      <span>{fmtShare(props.share)}</span>
    </div>
  );
}
