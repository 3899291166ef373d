// The one way to wait for a condition: clusters, daemons and controllers converge in
// their own time, so the runner, its tests and its benches ask again until the answer
// is there, and say in German what they waited for when it never comes.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** 60 s by default. */
  timeoutMs?: number;
  /** Pause between two asks; 250 ms by default. */
  intervalMs?: number;
  /** Each pause this many times the last (1 by default: a steady interval) … */
  backoff?: number;
  /** … up to this long. */
  maxIntervalMs?: number;
  /** Aborting ends the wait with the signal's reason. */
  signal?: AbortSignal;
  /** Errors the probe throws count as "not yet" (an API server still starting), and the
   * last one is named on timeout; false lets the first one end the wait. True by default. */
  retryErrors?: boolean;
  /** The error on timeout, instead of "Nach N s immer noch nicht erreicht: <what>". */
  timeoutError?: (lastError: unknown) => Error | Promise<Error>;
}

/**
 * Calls `probe` until it returns something other than undefined/false and returns that.
 * `what` names the condition in the timeout error.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 60_000, intervalMs = 250, backoff = 1, maxIntervalMs = intervalMs, signal, retryErrors = true, timeoutError }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let pause = intervalMs;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const result = await probe();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      if (!retryErrors) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      if (timeoutError) throw await timeoutError(lastError);
      const cause = lastError instanceof Error ? ` (zuletzt: ${lastError.message})` : '';
      throw new Error(`Nach ${Math.round(timeoutMs / 1000)} s immer noch nicht erreicht: ${what}${cause}`, { cause: lastError });
    }
    await sleep(pause, undefined, signal ? { signal } : {}).catch((error: unknown) => {
      signal?.throwIfAborted(); // with the signal's reason, not a bare AbortError
      throw error;
    });
    pause = Math.max(intervalMs, Math.min(pause * backoff, maxIntervalMs));
  }
}
