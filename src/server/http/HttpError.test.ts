import { describe, expect, it } from 'vitest';
import {
  badRequest,
  conflict,
  forbidden,
  httpError,
  HttpError,
  notFound,
  unauthorized,
} from './HttpError.js';

describe('HttpError', () => {
  it('takes its status from the catalog, never from the call site', () => {
    expect(new HttpError('HASH_MISMATCH', 'x').status).toBe(422);
    expect(httpError('LOGIN_THROTTLED', 'x', { retryAfterSeconds: 5 })).toMatchObject({
      status: 429,
      code: 'LOGIN_THROTTLED',
      extra: { retryAfterSeconds: 5 },
    });
    expect(badRequest('WEAK_PASSWORD', 'x', 'password')).toMatchObject({
      status: 400,
      extra: { field: 'password' },
    });
    expect(unauthorized()).toMatchObject({ status: 401, code: 'AUTH_REQUIRED' });
    expect(forbidden()).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(notFound()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(conflict('SETUP_DONE', 'x').status).toBe(409);
  });

  it('answers a code the API never uses as a 500 (a bug at the call site)', () => {
    expect(new HttpError('REANCHOR', 'x').status).toBe(500);
  });
});
