import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineCheck, fail, notYet, pass, type Verdict } from '../../checks/core.ts';
import { runChecks } from './run-step.ts';

const kubeConfig = new KubeConfig();
kubeConfig.loadFromOptions({
  clusters: [{ name: 'nie', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
  users: [{ name: 'u', token: 'x' }],
  contexts: [{ name: 'nie', cluster: 'nie', user: 'u' }],
  currentContext: 'nie',
});
const ctx = { kubeConfig, namespace: 'ns', timeoutMs: 5_000 };

function answering(id: string, answer: () => Verdict, delayMs = 0) {
  return defineCheck({
    id,
    title: id,
    params: z.strictObject({}),
    pollIntervalMs: 20,
    async run() {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return answer();
    },
  });
}

describe('runChecks', () => {
  test('a final failure ends the waiting of the other checks: the answer comes at once, with every message', async () => {
    const waiting = answering('wartet', () => notYet('Die Pods starten noch'));
    const broken = answering('kaputt', () => fail('Der Job ist fehlgeschlagen'), 50);

    const started = performance.now();
    const outcome = await runChecks([{ check: waiting, params: {} }, { check: broken, params: {} }], ctx);

    expect(performance.now() - started).toBeLessThan(1_000);
    expect(outcome.passed).toBe(false);
    expect(outcome.results.map((r) => r.message)).toEqual(['Die Pods starten noch', 'Der Job ist fehlgeschlagen']);
    expect(outcome.results[0]).toMatchObject({ stoppedWaiting: true });
    expect(outcome.results[0]?.timedOut).toBeUndefined();
  });

  test('without a final failure a pending check is still waited for until it passes', async () => {
    let looks = 0;
    const slow = answering('langsam', () => (++looks < 4 ? notYet('startet noch') : pass('läuft')));
    const fine = answering('gut', () => pass('gut'));

    const outcome = await runChecks([{ check: slow, params: {} }, { check: fine, params: {} }], ctx);

    expect(outcome.passed).toBe(true);
    expect(outcome.results.map((r) => r.attempts)).toEqual([4, 1]);
  });
});
