import Ajv2020 from 'ajv/dist/2020';
import { z } from 'zod';
import { startTestGateway, TestGateway } from '../../test/helpers/test-gateway';
import { coerceQuery } from './query-coercion';
import { portabilityIssues, portableSchema } from './portable-schema';
import { toJsonSchema, ToolRegistry } from './tool-registry';

describe('portableSchema', () => {
  it('splits a type list into anyOf branches, moving each type-specific keyword into its branch', () => {
    expect(portableSchema({ type: ['string', 'null'], maxLength: 5, description: 'd' })).toEqual({
      description: 'd',
      anyOf: [{ type: 'string', maxLength: 5 }, { type: 'null' }],
    });
    const list = portableSchema({ type: ['array', 'null'], items: { type: 'integer' }, minItems: 1 });
    expect(list).toEqual({ anyOf: [{ type: 'array', items: { type: 'integer' }, minItems: 1 }, { type: 'null' }] });
  });

  it('keeps an existing anyOf beside the split one', () => {
    expect(portableSchema({ type: ['string', 'null'], anyOf: [{ minLength: 1 }, { const: null }] })).toEqual({
      allOf: [{ anyOf: [{ minLength: 1 }, { const: null }] }, { anyOf: [{ type: 'string' }, { type: 'null' }] }],
    });
  });

  it('writes "any JSON value" with one type per branch, and a free-form object as additionalProperties: true', () => {
    const out = portableSchema({
      type: 'object',
      properties: { value: {}, meta: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: {} } },
    });
    expect(out.properties).toEqual({
      value: { anyOf: ['object', 'array', 'string', 'number', 'boolean', 'null'].map((type) => ({ type })) },
      meta: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: true },
    });
    expect(portableSchema({ type: 'object', additionalProperties: false })).toEqual({
      type: 'object',
      additionalProperties: false,
    });
  });

  it('keeps the contract: zod-made schemas validate the same values before and after', () => {
    const schema = z.object({
      note: z.string().max(3).nullable(),
      tags: z.array(z.number()).nullable().optional(),
      extra: z.record(z.string(), z.unknown()),
      anything: z.unknown(),
    });
    const json = toJsonSchema(schema, 'input');
    expect(portabilityIssues(json)).toEqual([]);
    const raw = z.toJSONSchema(schema, { io: 'input' });
    const ajv = new Ajv2020({ strict: false });
    const [before, after] = [ajv.compile(raw), ajv.compile(json)];
    const values = [
      { note: 'abc', tags: [1], extra: { a: [1] }, anything: null },
      { note: null, tags: null, extra: {}, anything: { deep: true } },
      { note: 'abcd', extra: {}, anything: 1 },
      { note: 1, extra: {}, anything: 'x' },
      { note: null, tags: ['1'], extra: {}, anything: [] },
      { note: null, extra: [], anything: 0 },
      { note: null, extra: {} },
    ];
    for (const value of values) expect([value, after(value)]).toEqual([value, before(value)]);
    expect(values.map((v) => after(v))).toEqual([true, true, false, false, false, false, false]);
    expect(json.properties).toMatchObject({
      note: { anyOf: [{ type: 'string', maxLength: 3 }, { type: 'null' }] },
      extra: { type: 'object', additionalProperties: true },
    });
    // The REST door still reads the types out of the portable schema.
    expect(coerceQuery({ tags: '1,2' }, json)).toEqual({ tags: [1, 2] });
  });

  it('portabilityIssues names type lists, keyword-less schemas and bare booleans by path', () => {
    expect(
      portabilityIssues({
        type: 'object',
        properties: { a: { type: ['string', 'null'] }, b: {}, c: true },
        additionalProperties: {},
      }),
    ).toEqual([
      '.properties.a: type list ["string","null"]',
      '.properties.b: no keyword (accepts anything)',
      '.properties.c: bare true',
      '.additionalProperties: no keyword (accepts anything)',
    ]);
  });
});

describe('every registered tool has portable schemas (what tools/list and GET /tools serve)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.stop());

  it('no type list, no schema without a keyword, in any input or output schema', () => {
    const tools = gw.app.get(ToolRegistry).describe();
    expect(tools.length).toBeGreaterThanOrEqual(15);
    const issues = tools.flatMap((t) => [
      ...portabilityIssues(t.inputSchema, 'inputSchema').map((i) => `${t.name} ${i}`),
      ...portabilityIssues(t.outputSchema, 'outputSchema').map((i) => `${t.name} ${i}`),
    ]);
    expect(issues).toEqual([]);
    for (const t of tools) expect(t.inputSchema.type).toBe('object');
  });
});
