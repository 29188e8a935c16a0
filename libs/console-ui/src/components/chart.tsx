import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useTheme } from '../theme';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

const CLOCK = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const WEEKDAY_CLOCK = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const FULL = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' });

/** Tick labels in 24-hour time; with the weekday when the axis spans more than two days. */
function timeTicks(x: number[]): (u: uPlot, splits: number[]) => string[] {
  const span = x.length > 1 ? x[x.length - 1] - x[0] : 0;
  const format = span > 2 * 86_400 ? WEEKDAY_CLOCK : CLOCK;
  return (_u, splits) => splits.map((s) => format.format(new Date(s * 1000)));
}

/** Distinguishable on a light and a dark background alike. */
export const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16'];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** A time series chart (uPlot, canvas): x in unix seconds, one line per series, y from zero. */
export function TimeChart(props: {
  x: number[];
  series: ChartSeries[];
  format: (v: number) => string;
  height?: number;
  testId?: string;
  yMax?: number;
  /** Join the line across buckets without a value (sparse scores), instead of leaving a gap. */
  spanGaps?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const { resolved } = useTheme();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axisColor = cssVar('--text-muted');
    const gridColor = cssVar('--grid');
    const fmt = props.format;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: props.height ?? 200,
      series: [
        { label: 'Time', value: (_u: uPlot, v: number | null) => (v === null ? '—' : FULL.format(new Date(v * 1000))) },
        ...props.series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length],
          width: 2,
          spanGaps: props.spanGaps ?? false,
          points: { show: s.values.filter((v) => v !== null).length <= 2, size: 6 },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : fmt(v)),
        })),
      ],
      axes: [
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor, width: 1 },
          values: timeTicks(props.x),
        },
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor, width: 1 },
          size: 64,
          values: (_u, splits) => splits.map((v) => fmt(v)),
        },
      ],
      scales: {
        x: { time: true },
        y: { range: (_u, _min, max) => [0, props.yMax ?? (max > 0 ? max * 1.15 : 1)] },
      },
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: true },
    };
    const data: uPlot.AlignedData = [props.x, ...props.series.map((s) => s.values)];
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, el.clientWidth), height: opts.height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.x, props.series, resolved, props.height, props.yMax, props.spanGaps]);

  return <div class="chart" ref={box} data-testid={props.testId} />;
}
