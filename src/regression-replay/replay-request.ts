import { randomUUID } from 'node:crypto';
import { toRouteRequest } from '../routing/openai.mapper';
import { chatCompletionRequest, describeRequestIssue } from '../routing/openai.schemas';
import type { RouteRequest } from '../routing/routing.types';

const REDACTED_TEXT = /^\[redacted: (\d+) chars\]$/;
const REDACTED_IMAGE = /^\[redacted image: \d+ chars\]$/;
/** Neutral filler standing in for a redacted text of the recorded length. */
const FILLER = 'lorem ipsum dolor sit amet ';

/** The request a stored replay snapshot becomes, or why it cannot be replayed. */
export type ReplayRequest = { request: RouteRequest; contentRedacted: boolean } | { skip: string };

/**
 * A stored snapshot (`replay`: { endpoint, body, contentRedacted }) as a routable request. Redacted texts
 * become filler of their recorded length (the routing still sees a prompt of that size); a snapshot whose
 * images or tool-call arguments were redacted cannot be replayed faithfully and is skipped.
 */
export function replayRequestOf(replay: Record<string, unknown> | null): ReplayRequest {
  if (!replay || typeof replay.body !== 'object' || replay.body === null) return { skip: 'no replay snapshot stored' };
  const body = structuredClone(replay.body) as { messages?: unknown };
  let beyondUse: string | undefined;
  const restore = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const text = REDACTED_TEXT.exec(value);
      if (text) return fill(Number(text[1]));
      if (REDACTED_IMAGE.test(value)) beyondUse = 'an image of the snapshot was redacted';
      return value;
    }
    if (Array.isArray(value)) return value.map(restore);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (k === 'arguments' && typeof v === 'string' && REDACTED_TEXT.test(v))
          beyondUse = 'tool-call arguments of the snapshot were redacted';
        out[k] = restore(v);
      }
      return out;
    }
    return value;
  };
  body.messages = restore(body.messages);
  if (beyondUse) return { skip: `redacted beyond use: ${beyondUse}` };
  const parsed = chatCompletionRequest.safeParse(body);
  if (!parsed.success)
    return { skip: `the snapshot is not a valid request: ${describeRequestIssue(parsed.error).message}` };
  return {
    request: toRouteRequest(parsed.data, `replay-${randomUUID()}`),
    contentRedacted: replay.contentRedacted === true,
  };
}

function fill(length: number): string {
  return FILLER.repeat(Math.ceil(length / FILLER.length) + 1).slice(0, Math.max(1, length));
}
