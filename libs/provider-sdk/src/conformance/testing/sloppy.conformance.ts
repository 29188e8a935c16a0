import { runConformanceSuite } from '..';
import sloppy from './sloppy-plugin';

// Run by ../kit.spec.ts in a child jest: most of these tests are meant to fail.
runConformanceSuite({
  plugin: sloppy,
  options: (url: string) => ({ baseUrl: url }),
  model: 'fake-gpt',
  upstream: { dialect: 'openai' },
});
