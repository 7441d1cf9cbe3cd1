import { describe, expect, it } from 'vitest';
import { metricsAllowed } from './metricsAccess.js';

describe('who may read /metrics', () => {
  it('without a token: only a direct request from this machine', () => {
    expect(metricsAllowed(undefined, '127.0.0.1', {})).toBe(true);
    expect(metricsAllowed(undefined, '::1', {})).toBe(true);
    expect(metricsAllowed(undefined, '::ffff:127.0.0.1', {})).toBe(true);
    expect(metricsAllowed(undefined, '10.0.0.7', {})).toBe(false);
    expect(metricsAllowed(undefined, undefined, {})).toBe(false);
    // Through nginx on the same host: loopback socket, but a proxied request.
    expect(metricsAllowed(undefined, '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).toBe(false);
    expect(metricsAllowed(undefined, '127.0.0.1', { forwarded: 'for=203.0.113.9' })).toBe(false);
    expect(metricsAllowed(undefined, '127.0.0.1', { 'x-real-ip': '203.0.113.9' })).toBe(false);
  });

  it('with a token: only the bearer of it, from anywhere, and loopback is no exception', () => {
    const token = 'scrape-me-3f9a';
    expect(metricsAllowed(token, '10.0.0.7', { authorization: `Bearer ${token}` })).toBe(true);
    expect(
      metricsAllowed(token, '127.0.0.1', { authorization: `Bearer ${token}`, 'x-forwarded-for': '1.2.3.4' }),
    ).toBe(true);
    expect(metricsAllowed(token, '127.0.0.1', {})).toBe(false);
    expect(metricsAllowed(token, '10.0.0.7', { authorization: `Bearer ${token}x` })).toBe(false);
    expect(metricsAllowed(token, '10.0.0.7', { authorization: `Basic ${token}` })).toBe(false);
    expect(metricsAllowed(token, '10.0.0.7', { authorization: 'Bearer ' })).toBe(false);
  });
});
