import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

type Next = (err?: unknown) => void;
/** An express-style body parser: body-parser's json() for the chat doors. */
export type JsonParser = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

/** The config's body size (`512kb`, `32mb`: security.bodyLimit's format) in bytes, as body-parser reads it. */
export function bodySizeBytes(size: string): number {
  const m = /^(\d+)(b|kb|mb)$/i.exec(size);
  if (!m) throw new Error(`not a body size: ${size}`);
  const unit = m[2].toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

/** The Content-Types a plain JSON request carries; any other spelling (another charset, say) takes the parser's way. */
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/** A request the fast way reads exactly as the parser would: plain JSON, not encoded, of a known size within the limit. */
function isPlain(req: IncomingMessage, limit: number): boolean {
  const h = req.headers;
  const type = h['content-type'];
  const length = h['content-length'];
  if (type === undefined || !PLAIN_JSON.has(type.toLowerCase())) return false;
  if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined || length === undefined) return false;
  const n = Number(length);
  return /^\d+$/.test(length) && n > 0 && n <= limit;
}

/** The body bytes as the parser would get them, for it to read (and refuse) instead of the spent request. */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from([body], { objectMode: false }) as unknown as IncomingMessage;
  copy.headers = req.headers;
  return copy;
}

/**
 * The chat doors' JSON body without body-parser's per-request work (type-is, content-type and charset
 * parsing, iconv, raw-body's bookkeeping) for the usual request: plain JSON of a known length. Anything
 * else, and any body JSON.parse refuses or that is not an object, goes to `parser`, which then answers
 * exactly as before (its errors, its BOM and charset handling, its limit).
 */
export function fastJsonBody(parser: JsonParser, limit: number): JsonParser {
  return (req, res, next) => {
    if ((req as { body?: unknown }).body !== undefined || !isPlain(req, limit)) return parser(req, res, next);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      req.off('data', onData).off('end', onEnd).off('error', onClose).off('close', onClose);
      if (err !== undefined) return next(err);
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      parseOrHandOver(req, res, next, parser, body);
    };
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const onEnd = () => finish();
    // The client went away before the body's end: raw-body's error for it (nobody is left to read the answer).
    const onClose = () => finish(Object.assign(new Error('request aborted'), { status: 400, type: 'request.aborted' }));
    req.on('data', onData).on('end', onEnd).on('error', onClose).on('close', onClose);
  };
}

function parseOrHandOver(
  req: IncomingMessage,
  res: ServerResponse,
  next: Next,
  parser: JsonParser,
  body: Buffer,
): void {
  // body-parser's strict mode: an object or an array; anything else (and a BOM) is for the parser to judge.
  const first = body[0];
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined) {
      (req as { body?: unknown }).body = parsed;
      return next();
    }
  }
  const copy = replay(req, body);
  parser(copy, res, (err?: unknown) => {
    (req as { body?: unknown }).body = (copy as { body?: unknown }).body;
    next(err);
  });
}
