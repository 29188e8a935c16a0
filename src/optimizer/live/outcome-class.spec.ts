import { outcomeClassOf } from './outcome-class';

describe('outcomeClassOf', () => {
  it.each([
    [true, null, 'success'],
    [false, 'client_closed', 'client_abort'],
    [false, 'circuit_open', 'refused_locally'],
    [false, 'no_available_model', 'refused_locally'],
    [false, 'upstream_bad_request', 'client_error'],
    [false, 'upstream_timeout', 'timeout'],
    [false, 'deadline_exceeded', 'timeout'],
    [false, 'upstream_error', 'model_failure'],
    [false, 'upstream_malformed_response', 'model_failure'],
    [false, null, 'model_failure'],
  ] as const)('success=%p %p is %p', (success, code, expected) => {
    expect(outcomeClassOf(success, code)).toBe(expected);
  });
});
