import { beforeAll, describe, expect, inject } from 'vitest';
import { createDeployment, deployment, runCheck } from '../testing/check-helpers.ts';
import { createKustomization, ensureFluxCrds, ready } from '../testing/flux-crds.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { kubeClients } from '../testing/kube-clients.ts';
import { fluxPruned, inventoryId } from './flux-pruned.ts';

const HEAD = 'main@sha1:2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

describe('flux-pruned', () => {
  beforeAll(() => ensureFluxCrds(kubeClients(inject('kwokKubeconfig'))));

  test.concurrent('the file still in Git (inventory lists it): fails', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('alt'));
    await createKustomization(kube, namespace, 'app', { prune: true }, {
      conditions: [ready('True')],
      lastAppliedRevision: HEAD,
      inventory: { entries: [{ id: inventoryId(namespace, 'alt', 'Deployment'), v: 'v1' }] },
    });

    const result = await runCheck(kube, namespace, fluxPruned, { kustomization: 'app', kind: 'Deployment', name: 'alt' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('gehört noch zum angewendeten Stand der Kustomization ‚app‘ (main@sha1:2222222)');
  });

  test.concurrent('gone from Git but prune is off: the object stays, and the check says why', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('alt'));
    await createKustomization(kube, namespace, 'app', { prune: false }, { conditions: [ready('True')], lastAppliedRevision: HEAD, inventory: { entries: [] } });

    const result = await runCheck(kube, namespace, fluxPruned, { kustomization: 'app', kind: 'Deployment', name: 'alt' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('hat prune ausgeschaltet');
  });

  test.concurrent('deleted by hand while still in Git: not pruned', async ({ kube, namespace }) => {
    await createKustomization(kube, namespace, 'app', { prune: true }, {
      conditions: [ready('True')],
      lastAppliedRevision: HEAD,
      inventory: { entries: [{ id: inventoryId(namespace, 'alt', 'Deployment'), v: 'v1' }] },
    });

    const result = await runCheck(kube, namespace, fluxPruned, { kustomization: 'app', kind: 'Deployment', name: 'alt' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('von Hand gelöscht legt Flux es beim nächsten Abgleich wieder an');
  });

  test.concurrent('gone from Git and from the cluster: passes', async ({ kube, namespace }) => {
    await createKustomization(kube, namespace, 'app', { prune: true }, { conditions: [ready('True')], lastAppliedRevision: HEAD, inventory: { entries: [] } });

    const result = await runCheck(kube, namespace, fluxPruned, { kustomization: 'app', kind: 'Deployment', name: 'alt' });

    expect(result.passed).toBe(true);
    expect(result.message).toBe('Deployment ‚alt‘ ist aus Git verschwunden, und Flux hat es aus dem Cluster entfernt.');
  });
});
