import { beforeAll, describe, expect, inject } from 'vitest';
import { createGitRepository, createKustomization, ensureFluxCrds, ready } from '../testing/flux-crds.ts';
import { runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { kubeClients } from '../testing/kube-clients.ts';
import { fluxReady } from './flux-ready.ts';

const OLD = 'main@sha1:1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const NEW = 'main@sha1:2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

describe('flux-ready', () => {
  beforeAll(() => ensureFluxCrds(kubeClients(inject('kwokKubeconfig'))));

  test.concurrent('a GitRepository with an artifact and Ready=True passes with its revision', async ({ kube, namespace }) => {
    await createGitRepository(kube, namespace, 'app', { conditions: [ready('True')], artifact: { revision: NEW } });

    const result = await runCheck(kube, namespace, fluxReady, { kind: 'GitRepository', name: 'app' });

    expect(result.passed).toBe(true);
    expect(result.message).toBe('Die GitRepository ‚app‘ ist bereit und hält Revision main@sha1:2222222.');
  });

  test.concurrent('a GitRepository that cannot fetch (empty repository): fails with the reason', async ({ kube, namespace }) => {
    await createGitRepository(kube, namespace, 'app', {
      conditions: [ready('False', 'GitOperationFailed', "failed to checkout and determine revision: unable to clone: couldn't find remote ref \"refs/heads/main\"")],
    });

    const result = await runCheck(kube, namespace, fluxReady, { kind: 'GitRepository', name: 'app' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('ist nicht bereit (GitOperationFailed)');
    expect(result.message).toContain('hast du schon etwas in das Repository gepusht?');
  });

  test.concurrent('a Kustomization that applied an older revision than the repository holds is not current', async ({ kube, namespace }) => {
    await createGitRepository(kube, namespace, 'app', { conditions: [ready('True')], artifact: { revision: NEW } });
    await createKustomization(kube, namespace, 'app', {}, { conditions: [ready('True')], lastAppliedRevision: OLD });

    const result = await runCheck(kube, namespace, fluxReady, { kind: 'Kustomization', name: 'app' }, { timeoutMs: 8000 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('hat Revision main@sha1:1111111 angewendet, im Repository steht schon main@sha1:2222222');
    expect(result.message).toContain('reconcile.fluxcd.io/requestedAt');
  });

  test.concurrent('a Kustomization that applied the repository head passes', async ({ kube, namespace }) => {
    await createGitRepository(kube, namespace, 'app', { conditions: [ready('True')], artifact: { revision: NEW } });
    await createKustomization(kube, namespace, 'app', {}, { conditions: [ready('True')], lastAppliedRevision: NEW });

    const result = await runCheck(kube, namespace, fluxReady, { kind: 'Kustomization', name: 'app' });

    expect(result.passed).toBe(true);
    expect(result.message).toBe('Die Kustomization ‚app‘ ist bereit und hat den neuesten Stand main@sha1:2222222 angewendet.');
  });

  test.concurrent('a Kustomization named differently: says which exist', async ({ kube, namespace }) => {
    await createGitRepository(kube, namespace, 'app', { conditions: [ready('True')], artifact: { revision: NEW } });
    await createKustomization(kube, namespace, 'web', {}, { conditions: [ready('True')], lastAppliedRevision: NEW });

    const result = await runCheck(kube, namespace, fluxReady, { kind: 'Kustomization', name: 'app' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`Die Kustomization ‚app‘ gibt es im Namespace ‚${namespace}‘ nicht`);
    expect(result.message).toContain('‚web‘');
  });
});
