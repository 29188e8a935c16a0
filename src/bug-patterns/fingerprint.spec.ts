import { bugFingerprint, normalizeBugPattern } from './fingerprint';

describe('normalizeBugPattern', () => {
  it.each([
    ['Timeout  after 30000ms\n on   sim-fast', 'timeout after #ms on sim-fast'],
    ['request req_abc123 failed', 'request <id> failed'],
    ['id 3f2b8c1e-9a7d-4e21-b0c4-5d6e7f8a9b0c missing', 'id <id> missing'],
    ['hash DEADBEEF12 mismatch', 'hash <id> mismatch'],
    ['completion chatcmpl-9XyZ12ab was cut', 'completion <id> was cut'],
    ['HTTP 429 from upstream', 'http # from upstream'],
    ['run-time error in call-back', 'run-time error in call-back'],
    ['short hex abc123 stays', 'short hex abc# stays'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeBugPattern(input)).toBe(expected);
  });
});

describe('bugFingerprint', () => {
  it('is a sha256 hex digest', () => {
    expect(bugFingerprint('timeout', 'x')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores ids, numbers, spacing and case of the category', () => {
    const a = bugFingerprint('Timeout', 'Upstream timeout after 30000 ms for req_abc123 (trace 0123456789abcdef)');
    const b = bugFingerprint('timeout ', 'upstream   TIMEOUT after 1500 ms for req_zz9zz (trace fedcba9876543210)');
    expect(a).toBe(b);
  });

  it('separates categories and different wording', () => {
    expect(bugFingerprint('timeout', 'upstream timeout')).not.toBe(bugFingerprint('rate_limit', 'upstream timeout'));
    expect(bugFingerprint('timeout', 'upstream timeout')).not.toBe(bugFingerprint('timeout', 'upstream reset'));
  });

  it('keeps category and pattern apart (no ambiguity from concatenation)', () => {
    expect(bugFingerprint('a b', 'c')).not.toBe(bugFingerprint('a', 'b c'));
  });
});
