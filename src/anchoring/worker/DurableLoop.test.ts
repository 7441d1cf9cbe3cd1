import { describe, expect, it } from 'vitest';
import { again, DurableLoop, wait, type StepOutcome } from './DurableLoop.js';

const until = async (probe: () => boolean) => {
  for (let i = 0; i < 2_000 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(probe()).toBe(true);
};

describe('DurableLoop', () => {
  it('runs one step at a time, and stop lets the step in progress finish', async () => {
    let inFlight = 0;
    let most = 0;
    let finished = 0;
    let release: () => void = () => undefined;
    const loop = new DurableLoop({
      errorCode: 'TEST_ERROR',
      idleMaxMs: 10,
      retryBaseMs: 1,
      retryMaxMs: 2,
      step: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise<void>((r) => (release = r));
        inFlight--;
        finished++;
        return again;
      },
    });
    loop.start();
    loop.kick();
    await until(() => inFlight === 1);
    release();
    await until(() => finished === 1 && inFlight === 1);
    const stopped = loop.stop();
    expect(finished).toBe(1);
    release();
    await stopped;
    expect({ finished, inFlight, most, running: loop.running }).toEqual({
      finished: 2,
      inFlight: 0,
      most: 1,
      running: false,
    });
  });

  it('a kick cuts a wait short; a throwing step is reported with its code and retried with growing backoff', async () => {
    const outcomes: StepOutcome[] = [wait(3_600_000)];
    let steps = 0;
    const failures: { code: string; retryInMs: number }[] = [];
    const loop = new DurableLoop({
      errorCode: 'TEST_ERROR',
      idleMaxMs: 10,
      retryBaseMs: 4,
      retryMaxMs: 1_000,
      onFailure: (f) => failures.push({ code: f.code, retryInMs: f.retryInMs }),
      step: () => {
        steps++;
        if (steps >= 2 && steps <= 5) return Promise.reject(new Error('boom'));
        return Promise.resolve(outcomes.shift() ?? wait(3_600_000));
      },
    });
    loop.start();
    await until(() => steps === 1);
    loop.kick(); // without it the loop would sleep an hour
    await until(() => steps === 6);
    await loop.stop();
    expect(failures.map((f) => f.code)).toEqual(['TEST_ERROR', 'TEST_ERROR', 'TEST_ERROR', 'TEST_ERROR']);
    // Full jitter over a doubling ceiling: attempt n waits between 2^n·base/2 and 2^n·base.
    failures.forEach((f, n) => {
      expect(f.retryInMs).toBeGreaterThanOrEqual(2 ** n * 2);
      expect(f.retryInMs).toBeLessThanOrEqual(2 ** n * 4);
    });
  });
});
