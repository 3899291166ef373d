import { describe, expect, it } from 'vitest';
import { waitUntil } from './wait.ts';

describe('waitUntil', () => {
  it('asks again until the answer is there and gives it back', async () => {
    let asked = 0;
    expect(await waitUntil('dritte Antwort', () => (++asked === 3 ? 'da' : undefined), { intervalMs: 1 })).toBe('da');
    expect(asked).toBe(3);
  });

  it('counts errors as "not yet" and names what it waited for and the last error on timeout', async () => {
    const waiting = waitUntil('API-Server antwortet', () => Promise.reject(new Error('connection refused')), { timeoutMs: 20, intervalMs: 1 });
    await expect(waiting).rejects.toThrow('Nach 0 s immer noch nicht erreicht: API-Server antwortet (zuletzt: connection refused)');
  });

  it('lets the first error end the wait when errors are not to be retried', async () => {
    let asked = 0;
    const waiting = waitUntil('nie', () => {
      asked += 1;
      throw new Error('403 verboten');
    }, { retryErrors: false, intervalMs: 1 });
    await expect(waiting).rejects.toThrow('403 verboten');
    expect(asked).toBe(1);
  });

  it('throws the caller\'s own timeout error', async () => {
    const waiting = waitUntil('nie', () => false, { timeoutMs: 5, intervalMs: 1, timeoutError: async () => new Error('Docker in der Sandbox ist nicht bereit') });
    await expect(waiting).rejects.toThrow('Docker in der Sandbox ist nicht bereit');
  });

  it('ends when the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = waitUntil('nie', () => {
      controller.abort(new Error('gestoppt'));
      return false;
    }, { timeoutMs: 60_000, intervalMs: 10_000, signal: controller.signal });
    await expect(waiting).rejects.toThrow('gestoppt');
  });
});
