import { describe, expect } from 'vitest';
import { container, createDeployment, deployment, podNames, restartedAgo, runCheck, unreadySince, waitForAvailable } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { probesSet } from './probes-set.ts';

const readinessProbe = { httpGet: { path: '/', port: 80 }, periodSeconds: 5 };
const livenessProbe = { tcpSocket: { port: 80 }, periodSeconds: 10 };

describe('probes-set', () => {
  test.concurrent('passes with readiness and liveness probes', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { containers: [container({ readinessProbe, livenessProbe })] }));

    const result = await runCheck(kube, namespace, probesSet, { name: 'web' });

    expect(result.message).toBe(
      'Das Deployment ‚web‘ hat readinessProbe und livenessProbe in seinem Container: readinessProbe (httpGet / auf Port 80) und livenessProbe (tcpSocket auf Port 80).',
    );
    expect(result.passed).toBe(true);
  });

  test.concurrent('liveness probe missing', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { containers: [container({ readinessProbe })] }));

    const result = await runCheck(kube, namespace, probesSet, { name: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('dem Container ‚web‘ fehlt die livenessProbe');
    expect(result.message).toContain('„livenessProbe: {httpGet: {path: /, port: 80}');
  });

  test.concurrent('no probes at all, and a startup probe asked for', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web'));

    const result = await runCheck(kube, namespace, probesSet, { name: 'web', probes: ['startup', 'readiness'] });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('dem Container ‚web‘ fehlen startupProbe und readinessProbe');
  });

  test.concurrent('the Deployment is missing', async ({ kube, namespace }) => {
    const result = await runCheck(kube, namespace, probesSet, { name: 'gesundheit' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`Im Namespace ‚${namespace}‘ gibt es kein Deployment ‚gesundheit‘`);
  });

  // Near miss: the step asks for a readiness probe that fails; one that is met (kwok makes
  // every pod ready) must not pass. The failing side passes in `lab test health-checks`.
  test.concurrent('a readiness probe that is met does not pass a step about a failing one', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('kaputt', { containers: [container({ readinessProbe })] }));

    const result = await runCheck(kube, namespace, probesSet, { name: 'kaputt', probes: ['readiness'], failing: true }, { timeoutMs: 30_000 });

    expect(result.passed).toBe(false);
    expect(result.message).toMatch(
      /^Das Deployment ‚kaputt‘ hat eine Readiness-Probe, aber sie ist erfüllt: der Pod ‚kaputt-[a-z0-9-]+‘ ist bereit\. In diesem Schritt soll sie scheitern\./,
    );
  });

  // Near miss: every pod is unready until its first probe, a working probe included; caught
  // in that moment it must not pass for a failing one. Unready past the first round does.
  test.concurrent('a pod unready only because its first probe is still to come does not pass; unready after it does', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('kaputt', { containers: [container({ readinessProbe })] }));
    await waitForAvailable(kube, namespace, 'kaputt', 1);
    const [pod] = await podNames(kube, namespace, 'kaputt');
    const params = { name: 'kaputt', probes: ['readiness'], failing: true };

    await unreadySince(kube, namespace, pod!, 2_000);
    const early = await runCheck(kube, namespace, probesSet, params, { timeoutMs: 1_000 });

    expect(early.passed).toBe(false);
    expect(early.message).toMatch(/^Der Pod ‚kaputt-[a-z0-9-]+‘ läuft erst seit \d+ s und ist noch nicht bereit; ob die Readiness-Probe scheitert, zeigt sich nach ihrer ersten Runde \(etwa 10 s\)\./);

    await unreadySince(kube, namespace, pod!, 60_000);
    const failing = await runCheck(kube, namespace, probesSet, params);

    expect(failing.message).toBe('Das Deployment ‚kaputt‘ hat readinessProbe, und sie schlägt wie gewünscht fehl.');
    expect(failing.passed).toBe(true);
  });
  // Near miss: a step about a liveness probe that restarts the container; a restart from a
  // crash (a wrong command) must not pass. Only the kubelet's liveness events make it pass.
  test.concurrent('a restart without a failed liveness probe does not pass; one the probe caused does', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('kaputt', { containers: [container({ livenessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 5 } })] }));
    await waitForAvailable(kube, namespace, 'kaputt', 1);
    const [pod] = await podNames(kube, namespace, 'kaputt');
    await restartedAgo(kube, namespace, pod!, 5_000);
    const params = { name: 'kaputt', probes: ['liveness'], failing: true };

    const crashed = await runCheck(kube, namespace, probesSet, params);

    expect(crashed.passed).toBe(false);
    expect(crashed.message).toContain(`Der Container ‚web‘ im Pod ‚${pod}‘ wurde neu gestartet, aber nicht von der Liveness-Probe: er endete selbst (Error, Exit-Code 1)`);
    expect(crashed.message).toContain(`kubectl logs ${pod} --previous -n ${namespace}`);

    const now = new Date();
    await kube.core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { name: `${pod}.liveness` },
        involvedObject: { kind: 'Pod', name: pod, namespace, fieldPath: 'spec.containers{web}' },
        reason: 'Killing',
        message: 'Container web failed liveness probe, will be restarted',
        type: 'Normal',
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        source: { component: 'kubelet' },
      },
    });
    const probed = await runCheck(kube, namespace, probesSet, params);

    expect(probed.message).toBe('Das Deployment ‚kaputt‘ hat livenessProbe, und sie schlägt wie gewünscht fehl.');
    expect(probed.passed).toBe(true);
  });
});
