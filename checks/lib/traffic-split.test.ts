// The sampling verdict on its own: what a Job's log says, and how often the tolerance
// errs. The probabilities are exact (binomial), not simulated, so nothing here depends
// on chance. The Job and its log through the API are proven on kind (labs/canary-gateway).
import { describe, expect, test } from 'vitest';
import { acceptedRange, judgeSplit, parseCounts } from './traffic-split.ts';

/** P(low ≤ X ≤ high) for X ~ Binomial(n, p). */
function probabilityWithin(n: number, p: number, [low, high]: [number, number]): number {
  let pmf = (1 - p) ** n;
  let sum = 0;
  for (let k = 0; k <= n; k += 1) {
    if (k >= low && k <= high) sum += pmf;
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
  }
  return sum;
}

const LOG_90_10 = 'Antworten auf 200 Anfragen:\n    181 v1\n     19 v2\n';

describe('traffic-split', () => {
  test('reads the counts uniq -c prints and nothing else', () => {
    expect(parseCounts(LOG_90_10)).toEqual({ v1: 181, v2: 19 });
    expect(parseCounts('     3 fehler\n    197 v2\n')).toEqual({ fehler: 3, v2: 197 });
  });

  test('a measured 90/10 passes as 90/10 and fails as 50/50', () => {
    expect(judgeSplit({ v1: 181, v2: 19 }, { v1: 90, v2: 10 }, 150)).toEqual({ ok: true });
    const as5050 = judgeSplit({ v1: 181, v2: 19 }, { v1: 50, v2: 50 }, 150);
    expect(as5050).toEqual({ ok: false, problem: 'Bei 200 Antworten erwartet: zwischen 69 und 131 × v1, gemessen 181' });
  });

  test('a measured 50/50 fails as 90/10', () => {
    expect(judgeSplit({ v1: 101, v2: 99 }, { v1: 90, v2: 10 }, 150)).toMatchObject({ ok: false });
  });

  test('a canary that never answered fails, even though 0 of 200 lies near 10 %', () => {
    expect(judgeSplit({ v1: 200 }, { v1: 90, v2: 10 }, 150)).toMatchObject({ ok: false });
    expect(judgeSplit({ v1: 150 }, { v1: 90, v2: 10 }, 150)).toMatchObject({ ok: false });
  });

  test('after promotion: one answer of the old version is one too many', () => {
    expect(judgeSplit({ v2: 200 }, { v1: 0, v2: 100 }, 150)).toEqual({ ok: true });
    expect(judgeSplit({ v1: 1, v2: 199 }, { v1: 0, v2: 100 }, 150)).toEqual({
      ok: false,
      problem: 'Bei 200 Antworten erwartet: genau 0 × v1, gemessen 1',
    });
  });

  test('errors do not count as answers; too few answers give no verdict', () => {
    expect(judgeSplit({ v1: 178, v2: 19, fehler: 3 }, { v1: 90, v2: 10 }, 150)).toEqual({ ok: true });
    expect(judgeSplit({ v1: 90, v2: 10, fehler: 100 }, { v1: 90, v2: 10 }, 150)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('nur 100 Antworten der Versionen v1 und v2, zu wenige für ein Urteil (mindestens 150). Sonst kam: 100 × fehler'),
    });
  });

  test('the tolerance: a correct split sampled 200 times practically never fails, a wrong one never passes', () => {
    for (const n of [150, 200]) {
      const canary = acceptedRange(n, 0.1);
      const half = acceptedRange(n, 0.5);
      // A random balancer with the right weights is rejected less than once in 10 000 runs …
      expect(1 - probabilityWithin(n, 0.1, canary)).toBeLessThan(1e-4);
      expect(1 - probabilityWithin(n, 0.5, half)).toBeLessThan(1e-4);
      // … and 50/50 passes for 90/10 (or 90/10 for 50/50) less than once in 10^12.
      expect(probabilityWithin(n, 0.5, canary)).toBeLessThan(1e-12);
      expect(probabilityWithin(n, 0.1, half)).toBeLessThan(1e-12);
    }
  });
});
