import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows a burst up to the capacity, then refuses with the time until the next token', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 3, perMinute: 6, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterS: 10 });
    now += 4_000;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterS: 6 });
  });

  it('refills over time, never above the capacity', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 2, perMinute: 60, now: () => now });
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a').ok).toBe(false);
    now += 1_000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    now += 3_600_000;
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, false]);
  });

  it('keeps one bucket per client', () => {
    const limiter = new RateLimiter({ capacity: 1, perMinute: 1, now: () => 0 });
    expect(limiter.take('10.0.0.1').ok).toBe(true);
    expect(limiter.take('10.0.0.1').ok).toBe(false);
    expect(limiter.take('10.0.0.2').ok).toBe(true);
  });

  it('forgets clients that went quiet once there are very many', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 1, perMinute: 60, now: () => now });
    for (let client = 0; client <= 10_000; client++) limiter.take(`c${client}`);
    now += 2_000;
    limiter.take('new');
    expect(limiter.size).toBe(1);
  });
});
