import { createHash } from 'node:crypto';

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
/** Prefixed ids (req_abc123, chatcmpl-9x..., msg_01...); the digit requirement spares words like "run-time". */
const PREFIXED_ID =
  /\b(?:req|request|chatcmpl|cmpl|msg|resp|run|call|sess|session|trace|span|evt|job|txn?|id)[_-](?=[a-z0-9]*\d)[a-z0-9]{3,}\b/g;
const HEX_ID = /\b[0-9a-f]{8,}\b/g;
const DIGITS = /\d+/g;
const SPACE = /\s+/g;

/**
 * The part of a bug pattern that identifies it: lowercased, ids (UUIDs, prefixed request ids, hex runs of
 * 8+) replaced by `<id>`, remaining digit runs by `#`, whitespace collapsed. Ids go first because they
 * contain digits.
 */
export function normalizeBugPattern(pattern: string): string {
  return pattern
    .toLowerCase()
    .replace(UUID, '<id>')
    .replace(PREFIXED_ID, '<id>')
    .replace(HEX_ID, '<id>')
    .replace(DIGITS, '#')
    .replace(SPACE, ' ')
    .trim();
}

/** sha256 hex of the lowercased category and the normalized pattern: the dedupe key of bug_patterns. */
export function bugFingerprint(category: string, pattern: string): string {
  return createHash('sha256')
    .update(`${category.trim().toLowerCase()}\n${normalizeBugPattern(pattern)}`)
    .digest('hex');
}
