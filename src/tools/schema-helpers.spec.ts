import { z } from 'zod';
import { invalidInput, toJsonSchema } from './tool-registry';
import { NUL_REFUSAL, storedJsonObject, storedText } from './schema-helpers';

const input = z.strictObject({
  name: storedText().trim().min(1).max(10),
  note: storedText().optional(),
  context: storedJsonObject().optional(),
});

function refusal(value: unknown): { message: string; issues: Array<{ path: string; message: string }> } {
  const parsed = input.safeParse(value);
  if (parsed.success) throw new Error('expected a refusal');
  return invalidInput(parsed.error, value);
}

describe('stored strings refuse U+0000 before any SQL runs, naming the field', () => {
  it('a text field', () => {
    const err = refusal({ name: 'a\u0000b' });
    expect(err.message).toBe(`Invalid input: name: ${NUL_REFUSAL}`);
    expect(err.issues).toEqual([{ path: 'name', message: NUL_REFUSAL }]);
  });

  it('keeps the other checks of the field (length, trim) and passes clean text', () => {
    expect(refusal({ name: '   ' }).issues[0].path).toBe('name');
    expect(input.parse({ name: ' ok ', note: 'fine' })).toEqual({ name: 'ok', note: 'fine' });
  });

  it('a JSON object: a string value or a key at any depth, named by its path', () => {
    expect(refusal({ name: 'n', context: { a: { b: ['x', 'y\u0000'] } } }).issues).toEqual([
      { path: 'context.a.b.1', message: NUL_REFUSAL },
    ]);
    expect(refusal({ name: 'n', context: { 'k\u0000': 1 } }).issues[0].path).toBe('context.k\u0000');
    expect(input.parse({ name: 'n', context: { a: [1, null, 'ok'] } }).context).toEqual({ a: [1, null, 'ok'] });
  });

  it('the JSON Schemas the doors publish are unchanged (a string, an object)', () => {
    const schema = toJsonSchema(input, 'input') as { properties: Record<string, { type: string }> };
    expect(schema.properties.name).toEqual({ type: 'string', minLength: 1, maxLength: 10 });
    expect(schema.properties.context.type).toBe('object');
  });
});
