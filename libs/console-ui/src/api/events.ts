/**
 * The live stream's address and event name. The values of REQUEST_EVENTS_PATH and REQUEST_EVENT_NAME in
 * @ai-mcp-gateway/console-contract (libs/console-contract), repeated so that the browser bundle does not pull in zod;
 * src/console/console-ui-types.spec.ts checks that they agree.
 */
export const REQUEST_EVENTS_PATH = '/events/requests';
export const REQUEST_EVENT_NAME = 'request';
