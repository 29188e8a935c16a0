import { z } from 'zod';
import { ToolCaller } from './tool-caller';
import { ToolRegistry } from './tool-registry';
import { ConflictError, DomainError, HTTP_STATUS } from '../errors';
import { rejectionOf } from '../../test/helpers/assertions';

function registry(): ToolRegistry {
  return new ToolRegistry({ getProviders: () => [] } as never, {} as never, {} as never);
}

describe('ToolRegistry and ToolCaller', () => {
  const input = z.strictObject({ name: z.string().min(1).max(5), count: z.number().int().min(0).default(1) });
  const output = z.object({ echoed: z.string(), count: z.number() });

  it('parses input with defaults before the handler and checks the output', async () => {
    const reg = registry();
    const seen: unknown[] = [];
    reg.register({ name: 'echo', description: 'd', input, output }, (i) => {
      seen.push(i);
      return Promise.resolve({ echoed: (i as { name: string }).name, count: (i as { count: number }).count });
    });
    const caller = new ToolCaller(reg);
    await expect(caller.call('echo', { name: 'abc' }, { transport: 'internal' })).resolves.toMatchObject({
      result: { echoed: 'abc', count: 1 },
    });
    expect(seen).toEqual([{ name: 'abc', count: 1 }]);
  });

  it('maps bad input to invalid_input with one issue per field, without calling the handler', async () => {
    const reg = registry();
    let called = false;
    reg.register({ name: 'echo', description: 'd', input, output }, () => {
      called = true;
      return Promise.resolve({ echoed: '', count: 0 });
    });
    const outcome = await rejectionOf(
      new ToolCaller(reg).call('echo', { name: 'toolongname', count: -1, extra: 1 }, { transport: 'internal' }),
      DomainError,
    );
    expect(called).toBe(false);
    expect(outcome).toMatchObject({ kind: 'invalid_input' });
    expect(HTTP_STATUS[outcome.kind]).toBe(400);
    expect(outcome.issues.map((i) => i.path).sort()).toEqual(['(root)', 'count', 'name']);
    expect(outcome.message).toMatch(/^Invalid input: /);
  });

  it('passes a domain error on and makes an unexpected error an internal one without internals', async () => {
    const reg = registry();
    reg.register({ name: 'conflict', description: 'd', input, output }, () =>
      Promise.reject(new ConflictError('already there')),
    );
    reg.register({ name: 'boom', description: 'd', input, output }, () =>
      Promise.reject(new Error('secret internals')),
    );
    reg.register({ name: 'liar', description: 'd', input, output }, () => Promise.resolve({ echoed: 1 }));
    const caller = new ToolCaller(reg);
    await expect(caller.call('conflict', { name: 'a' }, { transport: 'internal' })).rejects.toMatchObject({
      kind: 'conflict',
      message: 'already there',
    });
    const boom = await rejectionOf(caller.call('boom', { name: 'a' }, { transport: 'internal' }), DomainError);
    expect(boom).toMatchObject({ kind: 'internal' });
    expect(HTTP_STATUS[boom.kind]).toBe(500);
    expect(boom.message).not.toContain('secret internals');
    await expect(caller.call('liar', { name: 'a' }, { transport: 'internal' })).rejects.toMatchObject({
      kind: 'internal',
    });
  });

  it('refuses unknown tools, duplicate names and missing scopes', async () => {
    const reg = registry();
    reg.register({ name: 'w', description: 'd', input, output }, () => Promise.resolve({ echoed: '', count: 0 }));
    expect(() => reg.register({ name: 'w', description: 'd', input, output }, () => Promise.resolve({}))).toThrow(
      /declared twice/,
    );
    const caller = new ToolCaller(reg);
    await expect(caller.call('nope', {}, { transport: 'internal' })).rejects.toMatchObject({ kind: 'not_found' });
    await expect(caller.call('w', { name: 'a' }, { transport: 'rest', scopes: ['tools:read'] })).rejects.toMatchObject({
      kind: 'forbidden',
    });
    await expect(caller.call('w', { name: 'a' }, { transport: 'rest', scopes: ['admin'] })).resolves.toMatchObject({
      result: { echoed: '', count: 0 },
    });
  });

  it('describes every tool with JSON Schemas of type object', () => {
    const reg = registry();
    reg.register({ name: 'w', description: 'd', input, output, readOnly: true }, () =>
      Promise.resolve({ echoed: '', count: 0 }),
    );
    const [d] = reg.describe();
    expect(d).toMatchObject({
      name: 'w',
      readOnly: true,
      scope: 'tools:read',
      inputSchema: { type: 'object' },
      outputSchema: { type: 'object' },
    });
    expect((d.inputSchema as { required: string[] }).required).toEqual(['name']);
  });
});
