import { z } from 'zod';
import { coerceQuery } from './query-coercion';
import { toJsonSchema } from './tool-registry';

describe('coerceQuery', () => {
  const schema = z.strictObject({
    activeOnly: z.boolean().default(true),
    limit: z.number().int().min(1).max(500).default(100),
    category: z.string().optional(),
    ids: z.array(z.number()).optional(),
    score: z.number().nullable().optional(),
  });
  const json = toJsonSchema(schema, 'input');

  it('turns query strings into the types the schema asks for', () => {
    expect(coerceQuery({ activeOnly: 'false', limit: '20', category: '42', ids: '1,2,3' }, json)).toEqual({
      activeOnly: false,
      limit: 20,
      category: '42',
      ids: [1, 2, 3],
    });
  });

  it('leaves values that do not convert for the schema to reject', () => {
    const coerced = coerceQuery({ activeOnly: 'maybe', limit: 'ten', score: '' }, json);
    expect(coerced).toEqual({ activeOnly: 'maybe', limit: 'ten', score: '' });
    const parsed = schema.safeParse(coerced);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path[0]).sort()).toEqual(['activeOnly', 'limit', 'score']);
  });

  it('passes unknown keys through so that a strict schema names them', () => {
    const parsed = schema.safeParse(coerceQuery({ colour: 'red' }, json));
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].code).toBe('unrecognized_keys');
  });
});
