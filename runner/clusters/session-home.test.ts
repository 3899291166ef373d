// Learners' homes in mode "namespace" on claims of their own: what the chart passes the
// runner, the claim the runner makes for a learner, and the session pod that mounts it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_DIR, helmTemplate } from '../../docker/werkbank/chart-rules.ts';
import { learnerDir, learnerHome } from '../learner-dir.ts';
import { RUNNER_LABEL } from './learner-namespaces.ts';
import { HOME_LABEL, homeClaim, homeClaimName, homeKey, parseSessionPodSettings, SESSION_HOME, sessionPod } from './session-pod.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'werkbank-session-home-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** session-pod.yaml as the chart renders it into the learners' ConfigMap. */
async function renderedSettings(sets: string[]) {
  const objects = await helmTemplate(CHART_DIR, ['learners.mode=namespace', ...sets]);
  const config = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name.endsWith('-learners')) as { data: Record<string, string> } | undefined;
  return parseSessionPodSettings(config!.data['session-pod.yaml']!);
}

describe('the chart', () => {
  it('gives every learner a 1 GiB home claim on the cluster\'s default StorageClass unless told otherwise', async () => {
    expect((await renderedSettings([])).home).toEqual({ size: '1Gi', storageClassName: null });
    expect((await renderedSettings(['learners.home.size=5Gi', 'learners.home.storageClassName=schnell'])).home).toEqual({ size: '5Gi', storageClassName: 'schnell' });
    // No size: the home lives in the pod, as before.
    expect((await renderedSettings(['learners.home.size='])).home).toBeNull();
  });
});

describe('a learner\'s home claim', () => {
  const home = learnerHome(dataDir, 'lernende-a');
  const key = homeKey(home);

  it('is named after the learner\'s directory (a keyed hash), never after their id', () => {
    expect(key).toBe(basename(learnerDir(dataDir, 'lernende-a')));
    expect(homeKey(learnerHome(dataDir, 'lernende-b'))).not.toBe(key);
    expect(homeClaimName(key)).toBe(`home-${key}`);
    expect(homeClaimName(key)).not.toContain('lernende');
    // A directory name no label allows is hashed into one.
    expect(homeKey("/daten/learners/Ab c'd/home")).toMatch(/^[0-9a-f]{32}$/);
  });

  it('carries the runner and the learner as labels, its size, and a StorageClass only when one is set', () => {
    const claim = homeClaim(key, 'runner-1', { size: '1Gi', storageClassName: null });
    expect(claim.metadata).toEqual({ name: `home-${key}`, labels: { [RUNNER_LABEL]: 'runner-1', [HOME_LABEL]: key } });
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    expect(homeClaim(key, 'runner-1', { size: '2Gi', storageClassName: 'schnell' }).spec?.storageClassName).toBe('schnell');
  });
});

describe('the session pod', () => {
  const base = { name: 'werkbank-3f9a01bc', image: 'werkbank/werkbank:1', kubeconfigSecret: 'werkbank-3f9a01bc-kubeconfig', owner: 'runner-1', settings: parseSessionPodSettings('{}') };

  it('mounts the learner\'s claim as their home, writable by user 10001 through its group', () => {
    const pod = sessionPod({ ...base, homeClaim: 'home-abc' });
    const mount = pod.spec!.containers[0]!.volumeMounts!.find((volume) => volume.mountPath === SESSION_HOME)!;
    expect(pod.spec!.volumes!.find((volume) => volume.name === mount.name)).toEqual({ name: mount.name, persistentVolumeClaim: { claimName: 'home-abc' } });
    expect(pod.spec!.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch' });
  });

  it('without a claim (pool, or homes in the pod) keeps the home in the pod', () => {
    const pod = sessionPod(base);
    const mount = pod.spec!.containers[0]!.volumeMounts!.find((volume) => volume.mountPath === SESSION_HOME)!;
    expect(pod.spec!.volumes!.find((volume) => volume.name === mount.name)).toEqual({ name: mount.name, emptyDir: {} });
  });
});
