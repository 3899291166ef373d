// Which pod states are final: a crash loop that happens to be ready, a readiness probe
// that keeps failing, a container between two crashes. Waiting fixes none of them.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { explainPodProblems, isStuck, ownedByDeployment, podProblem } from './pods.ts';

const now = Date.parse('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now - seconds * 1000);

function pod(ready: boolean, container: Record<string, unknown>, spec: Record<string, unknown> = {}): V1Pod {
  return {
    metadata: { name: 'web-1' },
    spec: { containers: [{ name: 'web', image: 'werkbank/nginx:1', ...spec }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'web', image: 'werkbank/nginx:1', imageID: '', ready, restartCount: 0, ...container }],
    },
  } as V1Pod;
}

describe('podProblem', () => {
  test('a ready pod that crashed a minute ago is restarting, and that is stuck', () => {
    const problem = podProblem(
      pod(true, { restartCount: 4, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(60) } } }),
      now,
    );
    expect(problem).toMatchObject({ kind: 'restarting', container: 'web', detail: '4' });
    expect(isStuck(problem!)).toBe(true);
    expect(explainPodProblems([problem!], 'ns')).toContain('zählt nicht als laufend');
  });

  test('a restart long ago no longer counts', () => {
    const healthy = pod(true, { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(3600) } } });
    expect(podProblem(healthy, now)).toBeUndefined();
  });

  test('a container between two crashes is a crash, not a pod still starting', () => {
    const problem = podProblem(
      pod(false, { restartCount: 1, state: { terminated: { exitCode: 2, reason: 'Error', finishedAt: ago(1) } } }),
      now,
    );
    expect(problem?.kind).toBe('crash');
  });

  test('a readiness probe failing longer than it could take is never-ready; shortly after the start it is not yet', () => {
    const probe = { readinessProbe: { httpGet: { path: '/gibtsnicht', port: 80 }, periodSeconds: 2, failureThreshold: 3 } };
    const long = podProblem(pod(false, { state: { running: { startedAt: ago(120) } } }, probe), now);
    expect(long).toMatchObject({ kind: 'never-ready', detail: '120' });
    expect(explainPodProblems([long!], 'ns')).toContain('die Readiness-Probe schlägt immer wieder fehl');
    expect(podProblem(pod(false, { state: { running: { startedAt: ago(5) } } }, probe), now)?.kind).toBe('not-ready');
  });
});

describe('ownedByDeployment', () => {
  const owned = (replicaSet: string) =>
    ({ metadata: { name: 'p', ownerReferences: [{ kind: 'ReplicaSet', name: replicaSet, apiVersion: 'apps/v1', uid: 'u' }] } }) as V1Pod;

  test('the pods of web-canary are not the pods of web', () => {
    expect(ownedByDeployment(owned('web-5d8f9c7b6'), 'web')).toBe(true);
    expect(ownedByDeployment(owned('web-canary-5d8f9c7b6'), 'web')).toBe(false);
    expect(ownedByDeployment(owned('web-canary-5d8f9c7b6'), 'web-canary')).toBe(true);
  });
});
