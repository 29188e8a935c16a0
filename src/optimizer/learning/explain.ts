import type { CandidateEstimate, ChoiceReason, Objective } from './objective';

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/** The objective as a header value: `quality-floor=0.95;scope=traffic` or `cost-weight=0.2`. */
export function objectiveLabel(o: Objective): string {
  return o.kind === 'quality-floor' ? `quality-floor=${o.floor};scope=${o.scope}` : `cost-weight=${o.costWeight}`;
}

/**
 * One line saying which objective applied and why this model, for the decision headers and the console
 * (built on demand: formatting costs more than the decision), e.g.
 * `quality-floor=0.95;scope=traffic: m1, cheaper at price of quality 0.31 while recent traffic holds the
 * floor (m1 81.2% [74.0%-87.1%] cost 3.2%, m2 88.0% [84.1%-91.2%] cost 100%)`.
 */
export function explainDecision(d: {
  model: string;
  objective: Objective;
  reason: ChoiceReason;
  lambda?: number;
  estimates: readonly CandidateEstimate[];
}): string {
  const { objective, estimates, lambda } = d;
  const est = estimates
    .map((e) => `${e.id} ${pct(e.mean)} [${pct(e.lower)}-${pct(e.upper)}] cost ${pct(e.relativeCost)}`)
    .join(', ');
  const why: Record<ChoiceReason, string> = {
    'only-candidate': 'the only candidate',
    explore: 'exploration (every model keeps getting evidence)',
    'best-quality': 'best estimated quality; no cheaper model is good enough',
    'floor-met':
      lambda === undefined
        ? `its lower bound reaches ${objective.kind === 'quality-floor' ? objective.floor : ''} x the best model's quality`
        : `cheaper at price of quality ${Math.round(lambda * 1000) / 1000} while recent traffic holds the floor`,
    'best-utility': 'best sampled utility',
    'cheapest-within-margin': 'cheapest within the margin of the best sampled utility',
  };
  return `${objectiveLabel(objective)}: ${d.model}, ${why[d.reason]} (${est})`;
}
