// Polling for cluster state: controllers converge eventually, so tests and fixtures ask
// again until the answer is there, and say what they waited for when it never comes.

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns something other than undefined/false and returns that.
 * Errors thrown by the probe count as "not yet" (the API may still be starting); the
 * last one is reported on timeout.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 60_000, intervalMs = 250 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await probe();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (zuletzt: ${lastError.message})` : '';
      throw new Error(`Nach ${Math.round(timeoutMs / 1000)} s immer noch nicht erreicht: ${what}${cause}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
