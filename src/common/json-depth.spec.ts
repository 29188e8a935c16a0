import { MAX_JSON_DEPTH, deepJsonError, tooDeepPath } from './json-depth';

/** `depth` levels: objects and arrays in turn, as a hostile client would nest them. */
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

describe('tooDeepPath', () => {
  it('passes scalars, and values up to MAX_JSON_DEPTH levels of objects and arrays', () => {
    for (const v of [null, 1, 'x', true, {}, [], { a: [1, { b: 2 }] }]) expect(tooDeepPath(v)).toBeUndefined();
    expect(tooDeepPath(nested(MAX_JSON_DEPTH))).toBeUndefined();
  });

  it('names the path to the first value one level too deep, eliding the rest', () => {
    expect(tooDeepPath(nested(MAX_JSON_DEPTH + 1))).toBe('a.0.a.0...');
    expect(tooDeepPath({ ok: [1], context: { deep: nested(5000) } })).toBe('context.deep.0.a...');
    expect(tooDeepPath([[[1]]], 2)).toBe('0.0');
  });

  it('stops looking one level past the limit: 100,000 levels take no deep recursion', () => {
    expect(tooDeepPath(nested(100_000))).toBe('0.a.0.a...');
  });

  it('is refused as invalid input naming the field, with a stable code', () => {
    const err = deepJsonError('context.deep.a...');
    expect(err).toMatchObject({ kind: 'invalid_input', code: 'too_deeply_nested', param: 'context.deep.a...' });
    expect(err.message).toBe(`context.deep.a...: nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`);
  });
});
