import {
  ConflictError,
  DomainError,
  InvalidInputError,
  isDomainError,
  NotFoundError,
  UnavailableError,
} from './domain-errors';
import { HTTP_STATUS } from './error-status';

describe('domain errors', () => {
  it('carry their kind, class name and stable code (the kind unless one is given)', () => {
    const missing = new NotFoundError('no such model', { code: 'model_not_found', param: 'model' });
    expect(missing).toBeInstanceOf(DomainError);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).not.toBeInstanceOf(ConflictError);
    expect([missing.kind, missing.name, missing.errorCode, missing.param]).toEqual([
      'not_found',
      'NotFoundError',
      'model_not_found',
      'model',
    ]);
    expect(new ConflictError('taken').errorCode).toBe('conflict');
    expect(isDomainError(new Error('plain'))).toBe(false);
  });

  it('name the offending field of an invalid input', () => {
    const err = InvalidInputError.field('pattern', 'RE2 rejects this pattern');
    expect(err.message).toBe('pattern: RE2 rejects this pattern');
    expect(err.issues).toEqual([{ path: 'pattern', message: 'RE2 rejects this pattern' }]);
    expect(err.param).toBe('pattern');
  });

  it('map every kind to an HTTP status', () => {
    expect(HTTP_STATUS[new UnavailableError('db down', { retryAfterMs: 5000 }).kind]).toBe(503);
    expect(HTTP_STATUS.budget_exceeded).toBe(429);
  });
});
