import type { GatewayConfig } from '../config/config.schema';

interface Pattern {
  /** The literal pieces between the `*`s. */
  pieces: string[];
  target: string;
}

/** True when `name` is the pieces in order, with anything (or nothing) in between, and nothing around them. */
function matches(pieces: readonly string[], name: string): boolean {
  const last = pieces.length - 1;
  if (!name.startsWith(pieces[0]) || name.length < pieces[0].length + pieces[last].length) return false;
  if (!name.endsWith(pieces[last])) return false;
  let at = pieces[0].length;
  for (let i = 1; i < last; i++) {
    const found = name.indexOf(pieces[i], at);
    if (found < 0 || found + pieces[i].length > name.length - pieces[last].length) return false;
    at = found + pieces[i].length;
  }
  return true;
}

/**
 * The config's `aliases`: names clients send (Claude Code's `claude-sonnet-4-5-20250929`, an OpenAI
 * model name...) mapped to `auto`, a layer or a catalogue id. Exact names first, then `*` patterns in
 * config order (matched piece by piece: no regex, so no pattern can be slow).
 */
export class ModelAliases {
  private readonly exact = new Map<string, string>();
  private readonly patterns: Pattern[] = [];

  constructor(aliases: GatewayConfig['aliases']) {
    for (const [name, target] of Object.entries(aliases)) {
      if (name.includes('*')) this.patterns.push({ pieces: name.split('*'), target });
      else this.exact.set(name, target);
    }
  }

  /** The target of the first alias matching `name`, or undefined. */
  resolve(name: string): string | undefined {
    const exact = this.exact.get(name);
    if (exact !== undefined || this.patterns.length === 0) return exact;
    for (const p of this.patterns) if (matches(p.pieces, name)) return p.target;
    return undefined;
  }
}
