import { createServer, type AddressInfo } from 'node:net';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { CheckParamsError, defineCheck, executeCheck, fail, notYet, pass, type Verdict } from './core.ts';

/** A port nobody listens on: taken from the OS, then given back (refuses at once). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A kubeconfig for a cluster that is not running. */
function unreachableCluster(port: number): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'weg', server: `https://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'lernende', token: 'x' }],
    contexts: [{ name: 'weg', cluster: 'weg', user: 'lernende' }],
    currentContext: 'weg',
  });
  return config;
}

const ctx = { kubeConfig: unreachableCluster(await closedPort()), namespace: 'ns' };

/** A check whose answers come from a list, one per attempt (the last one repeats). */
function scripted(answers: (Verdict | Error | 'hang')[], options: { pollIntervalMs?: number } = {}) {
  let attempt = 0;
  return defineCheck({
    id: 'skript',
    title: 'Prüfung nach Drehbuch',
    params: z.strictObject({ name: z.string().default('web') }),
    pollIntervalMs: options.pollIntervalMs ?? 20,
    async run(_params, { signal }) {
      const answer = answers[Math.min(attempt, answers.length - 1)]!;
      attempt += 1;
      if (answer === 'hang') {
        return new Promise<Verdict>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      }
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });
}

describe('executeCheck', () => {
  test('asks again while Kubernetes is busy and passes once it is done', async () => {
    const check = scripted([notYet('startet noch'), notYet('startet noch'), pass('läuft')]);

    const result = await executeCheck(check, {}, ctx);

    expect(result).toMatchObject({ passed: true, message: 'läuft', attempts: 3 });
    expect(result.timedOut).toBeUndefined();
  });

  test('a final failure is answered at once, without waiting', async () => {
    const check = scripted([fail('falsche StorageClass'), pass('nie erreicht')]);

    const result = await executeCheck(check, {}, ctx);

    expect(result).toMatchObject({ passed: false, message: 'falsche StorageClass', attempts: 1 });
  });

  test('still pending when the time is up: the last message, marked as timed out', async () => {
    const check = scripted([notYet('Metriken fehlen noch')]);

    const result = await executeCheck(check, {}, { ...ctx, timeoutMs: 200 });

    expect(result).toMatchObject({ passed: false, message: 'Metriken fehlen noch', timedOut: true });
    expect(result.attempts).toBeGreaterThan(1);
    expect(result.durationMs).toBeLessThan(1000);
  });

  test('a request that never answers is cancelled at the time limit, with a German message', async () => {
    const result = await executeCheck(scripted(['hang']), {}, { ...ctx, timeoutMs: 300 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.message).toBe(
      'Der Cluster hat nicht innerhalb von 0.3 s geantwortet. Läuft er? Tipp: Sieh mit „kubectl get nodes“ nach und prüfe dann noch einmal.',
    );
    expect(result.durationMs).toBeLessThan(1000);
  });

  test('a busy API server (503) is asked again', async () => {
    const busy = new ApiException(503, 'busy', { message: 'etcd leader changed' }, {});
    const result = await executeCheck(scripted([busy, pass('jetzt geht es')]), {}, ctx);

    expect(result).toMatchObject({ passed: true, attempts: 2 });
  });

  test('missing permission (403) is not the learner’s fault and says so', async () => {
    const forbidden = new ApiException(403, 'forbidden', { message: 'pods is forbidden: User "x" cannot list pods' }, {});
    const result = await executeCheck(scripted([forbidden]), {}, ctx);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Die Prüfung darf das nicht lesen (403)');
    expect(result.message).toContain('Das liegt nicht an dir');
    expect(result.error).toBe('HTTP 403: pods is forbidden: User "x" cannot list pods');
  });

  test('an unreachable cluster: tries until the time is up, then says it is not reachable', async () => {
    const check = defineCheck({
      id: 'namespace-lesen',
      title: 'Namespace lesen',
      params: z.strictObject({}),
      pollIntervalMs: 50,
      async run(_params, { kube }) {
        await kube.core.readNamespace({ name: 'ns' });
        return pass('gelesen');
      },
    });

    const result = await executeCheck(check, {}, { ...ctx, timeoutMs: 400 });

    expect(result.passed).toBe(false);
    expect(result.message).toBe('Der Cluster ist nicht erreichbar (ECONNREFUSED). Läuft er? Tipp: Sieh mit „kubectl get nodes“ nach.');
    expect(result.attempts).toBeGreaterThan(1);
  });

  test('cancelled from outside (the learner left)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const result = await executeCheck(scripted(['hang']), {}, { ...ctx, signal: controller.signal });

    expect(result).toMatchObject({ passed: false, message: 'Die Prüfung wurde abgebrochen.', error: 'abgebrochen' });
  });

  test('a bug in a check becomes an internal error, not a crash', async () => {
    const result = await executeCheck(scripted([new TypeError('x is undefined')]), {}, ctx);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('interner Fehler');
    expect(result.error).toBe('TypeError: x is undefined');
  });

  test('parameters the check does not accept are the lab’s mistake: thrown, naming the field', async () => {
    await expect(executeCheck(scripted([pass('egal')]), { name: 3 }, ctx)).rejects.toThrow(CheckParamsError);
    await expect(executeCheck(scripted([pass('egal')]), { name: 3 }, ctx)).rejects.toThrow(/skript: name:/);
  });

  test('ids must be kebab-case', () => {
    expect(() =>
      defineCheck({ id: 'PvcBound', title: 'x', params: z.object({}), run: async () => pass('x') }),
    ).toThrow(/kebab-case/);
  });
});
