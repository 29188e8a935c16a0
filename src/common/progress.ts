/** What a long job reports as it goes: `update(done)` of `total`, with what it is doing now. */
export interface Progress {
  update(done: number, what?: string): void;
  /** Ends the bar (a last redraw at its final count, and a newline). */
  finish(what?: string): void;
}

const NO_PROGRESS: Progress = { update: () => undefined, finish: () => undefined };
const WIDTH = 30;
/** Redraws at most this often: a tight loop must not spend its time on the terminal. */
const REDRAW_MS = 100;

/** The stream a bar draws on: a terminal's, with a width. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * A progress bar on stderr for operator commands (simulate, optimize, eval:learning, migrate). Drawn only
 * when stderr is a terminal and `quiet` is not set, so piped output, --json runs and CI logs stay clean; the
 * command's results go to stdout either way.
 */
export function progressBar(
  label: string,
  total: number,
  opts: { stream?: ProgressStream; quiet?: boolean } = {},
): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet || !stream.isTTY || total <= 0) return NO_PROGRESS;
  let last = 0;
  let current = 0;
  let ended = false;
  const draw = (done: number, what: string | undefined, force: boolean) => {
    const now = Date.now();
    if (!force && now - last < REDRAW_MS) return;
    last = now;
    const ratio = Math.min(1, Math.max(0, done / total));
    const fill = Math.round(WIDTH * ratio);
    const text = `${label} [${'#'.repeat(fill)}${'-'.repeat(WIDTH - fill)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${done}/${total}${what ? ` ${what}` : ''}`;
    const columns = stream.columns && stream.columns > 20 ? stream.columns - 1 : 120;
    stream.write(`\r${text.slice(0, columns).padEnd(Math.min(columns, text.length + 10))}`);
  };
  return {
    update(done, what) {
      if (ended) return;
      current = done;
      draw(done, what, done >= total);
    },
    finish(what) {
      if (ended) return;
      ended = true;
      draw(Math.max(current, total), what, true);
      stream.write('\n');
    },
  };
}
