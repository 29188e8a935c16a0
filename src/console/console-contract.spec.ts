import { CONSOLE_LAYERS, CONSOLE_SCOPES, STRATEGY_NAMES } from '@ai-mcp-gateway/console-contract';
import { SCOPES } from '../auth/api-key.entity';
import { LAYERS } from '../config/config.schema';
import { STRATEGIES } from '../optimizer/ab-test.entity';

/**
 * The console contract (libs/console-contract) cannot import the gateway, so it repeats the gateway's
 * scopes, layers and A/B strategies; this spec, on the gateway's side, checks that the two agree.
 */
describe('the console contract and the gateway', () => {
  it('uses the same scopes, layers and strategies as the gateway', () => {
    expect([...CONSOLE_SCOPES]).toEqual([...SCOPES]);
    expect([...CONSOLE_LAYERS]).toEqual([...LAYERS]);
    expect([...STRATEGY_NAMES]).toEqual([...STRATEGIES]);
  });
});
