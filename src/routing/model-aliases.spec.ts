import { parseConfig } from '../config/config.loader';
import { ModelAliases } from './model-aliases';

describe('ModelAliases', () => {
  const aliases = new ModelAliases({
    'gpt-4o': 'balanced',
    'claude-*haiku*': 'fast',
    'claude-*sonnet*': 'balanced',
    'claude-*': 'deep',
    '*-mini': 'fast',
    'a*b*c': 'auto',
  });

  it('maps exact names, then the first matching * pattern in config order', () => {
    expect(aliases.resolve('gpt-4o')).toBe('balanced');
    expect(aliases.resolve('claude-3-5-haiku-20241022')).toBe('fast');
    expect(aliases.resolve('claude-haiku-4-5')).toBe('fast');
    expect(aliases.resolve('claude-sonnet-4-5-20250929')).toBe('balanced');
    expect(aliases.resolve('claude-opus-4-1')).toBe('deep');
    expect(aliases.resolve('o4-mini')).toBe('fast');
  });

  it('matches whole names only: pieces in order, without overlapping', () => {
    expect(aliases.resolve('gpt-4o-2024')).toBeUndefined();
    expect(aliases.resolve('my-claude-sonnet')).toBeUndefined();
    expect(aliases.resolve('mini')).toBeUndefined();
    expect(aliases.resolve('abc')).toBe('auto');
    expect(aliases.resolve('a-x-b-y-c')).toBe('auto');
    expect(aliases.resolve('ab')).toBeUndefined();
    expect(aliases.resolve('acb')).toBeUndefined();
    expect(new ModelAliases({ 'ab*ba': 'fast' }).resolve('aba')).toBeUndefined();
  });

  it('config refuses an alias whose target is neither auto, a layer nor a model id', () => {
    const cfg = (target: string) => ({
      providers: [{ id: 'p', plugin: 'simulated' }],
      models: [{ id: 'm1', provider: 'p', layer: 'fast', price: { input: 1, output: 1 } }],
      aliases: { 'claude-*': target },
    });
    for (const ok of ['auto', 'deep', 'm1'])
      expect(parseConfig(cfg(ok), 'f.yaml', {}).aliases).toEqual({ 'claude-*': ok });
    expect(() => parseConfig(cfg('m2'), 'f.yaml', {})).toThrow(
      'at aliases.claude-*: "m2" is neither "auto", a layer (fast, balanced, deep) nor a model id of models[]',
    );
  });
});
