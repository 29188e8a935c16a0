import { classify, classifyTask, layerFor, sizeOf } from './classifier';

describe('classifier', () => {
  it.each([
    ['Write a python function that parses JSON and returns a dict', 'coding'],
    ['```ts\nconst x = 1;\n```\nwhy does this not compile?', 'coding'],
    ['Solve the equation 3x + 5 = 20 and calculate x', 'math'],
    ['Compare the pros and cons of these two strategies and evaluate the trade-offs', 'analysis'],
    ['Write me a poem about autumn leaves', 'creative'],
    ['Summarize this article in three bullet points', 'summarization'],
    ['Translate "good morning" in French', 'translation'],
    ['Hi! How are you doing today?', 'chat'],
  ])('%s -> %s', (prompt, type) => {
    expect(classifyTask(prompt)).toBe(type);
  });

  it('is deterministic and bounded on long prompts', () => {
    const long = 'please refactor this function '.repeat(5000);
    const started = performance.now();
    for (let i = 0; i < 100; i++) expect(classifyTask(long)).toBe('coding');
    expect((performance.now() - started) / 100).toBeLessThan(2);
  });

  it('sizes by token estimate', () => {
    expect(sizeOf(10)).toBe('small');
    expect(sizeOf(1000)).toBe('medium');
    expect(sizeOf(10000)).toBe('large');
  });

  it('chooses the layer from task type, size and demanding wording', () => {
    expect(layerFor(classify('hello', 5))).toBe('fast');
    expect(layerFor(classify('write a function', 5))).toBe('balanced');
    expect(layerFor(classify('write a function', 9000))).toBe('deep');
    expect(layerFor(classify('prove rigorously that the equation has no solution', 20))).toBe('deep');
    expect(classify('whatever', 5, 'math').taskType).toBe('math');
  });
});
