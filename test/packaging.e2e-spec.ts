import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/app-info';

/**
 * Runs a script in a plain node process at the project root, as the built gateway runs: modules
 * resolve through node_modules and the packages' `exports`, not through jest's module mapper.
 */
function runNode(script: string): string {
  return execFileSync(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 30000 });
}

describe('workspace packages, from the compiled output (npm run build first)', () => {
  it('gateway and plugin share one copy of the compiled SDK: instanceof ProviderError holds across them', () => {
    const out = runNode(`
      const { loadProvider } = require('./dist/src/providers/plugin-loader.js');
      const sdk = require('@ai-mcp-gateway/provider-sdk');
      (async () => {
        const options = { latencyScale: 0, models: [{ id: 'm', quality: { default: 0.9 }, latencyMs: { p50: 1, p99: 2 } }] };
        const loaded = await loadProvider({ id: 'sim', plugin: 'simulated', options, enabled: true });
        let error;
        try {
          await loaded.instance.chat({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] },
            { signal: new AbortController().signal, timeoutMs: 1000 });
        } catch (err) { error = err; }
        const sdkFiles = Object.keys(require.cache).filter((f) => /provider-sdk|plugins/.test(f));
        console.log(JSON.stringify({
          instanceOf: error instanceof sdk.ProviderError,
          kind: error && error.kind,
          sdkFiles,
        }));
        await loaded.instance.close?.();
      })().catch((err) => { console.error(err); process.exit(1); });
    `);
    const result = JSON.parse(out.trim().split('\n').pop()!) as {
      instanceOf: boolean;
      kind: string;
      sdkFiles: string[];
    };
    expect(result).toMatchObject({ instanceOf: true, kind: 'not_found' });
    const root = PROJECT_ROOT.replace(/[/\\]$/, '');
    const sdkDist = join(root, 'libs/provider-sdk/dist');
    const pluginDist = join(root, 'plugins/simulated/dist');
    // Every SDK and plugin module came from the packages' compiled dist/, each file once.
    expect(result.sdkFiles.length).toBeGreaterThan(3);
    for (const file of result.sdkFiles) expect(file.startsWith(sdkDist) || file.startsWith(pluginDist)).toBe(true);
    expect(result.sdkFiles.filter((f) => f.endsWith('errors.js'))).toEqual([join(sdkDist, 'errors.js')]);
  });

  it('the SDK ships test support only in its testing entry', () => {
    const out = runNode(`
      const main = require('@ai-mcp-gateway/provider-sdk');
      const testing = require.resolve('@ai-mcp-gateway/provider-sdk/testing');
      console.log(JSON.stringify({ main: Object.keys(main), testing }));
    `);
    const { main, testing } = JSON.parse(out) as { main: string[]; testing: string };
    expect(main).toEqual(expect.arrayContaining(['ProviderError', 'parseSSE', 'HttpUpstream']));
    expect(main).not.toContain('startFakeUpstream');
    expect(main).not.toContain('runConformanceSuite');
    expect(testing).toBe(join(PROJECT_ROOT, 'libs/provider-sdk/dist/testing/index.js'));
  });

  it('the gateway takes the console contract from its package: compiled dist/, depending on zod alone', () => {
    const out = runNode(`
      require('./dist/src/routing/explain-route.tools.js');
      const contract = require('@ai-mcp-gateway/console-contract');
      const files = Object.keys(require.cache).filter((f) => /console-contract/.test(f));
      console.log(JSON.stringify({ tools: Object.keys(contract.CONSOLE_TOOLS), files }));
    `);
    const { tools, files } = JSON.parse(out) as { tools: string[]; files: string[] };
    expect(tools).toEqual(expect.arrayContaining(['whoami', 'get_policy', 'explain_route']));
    const contractDist = join(PROJECT_ROOT, 'libs/console-contract/dist');
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expect(file.startsWith(contractDist)).toBe(true);
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'libs/console-contract/package.json'), 'utf8'));
    expect({ dependencies: pkg.dependencies, peers: Object.keys(pkg.peerDependencies) }).toEqual({
      dependencies: undefined,
      peers: ['zod'],
    });
  });

  it('each plugin is a package that names the SDK as a peer and ships its compiled entry', () => {
    for (const name of ['simulated', 'openai-compatible', 'anthropic']) {
      const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'plugins', name, 'package.json'), 'utf8'));
      expect(pkg.peerDependencies['@ai-mcp-gateway/provider-sdk']).toEqual(expect.any(String));
      expect(pkg.main).toBe('dist/index.js');
      expect(pkg.files).toContain('dist');
      const resolved = runNode(`console.log(require.resolve('${pkg.name}'))`).trim();
      expect(resolved).toBe(join(PROJECT_ROOT, 'plugins', name, 'dist/index.js'));
    }
  });
});
