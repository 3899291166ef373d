import { describe, expect } from 'vitest';
import { createPullSecret, runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { registrySecret } from './registry-secret.ts';

const step = { name: 'registry-zugang', registry: 'localhost:5000', username: 'lernende' };

describe('registry-secret', () => {
  test.concurrent('passes for a docker-registry Secret with credentials for the registry', async ({ kube, namespace }) => {
    await createPullSecret(kube, namespace, 'localhost:5000');

    const result = await runCheck(kube, namespace, registrySecret, step);

    expect(result.message).toBe(
      'Das Secret ‚registry-zugang‘ (Typ kubernetes.io/dockerconfigjson) hat Zugangsdaten für ‚localhost:5000‘ (Benutzer ‚lernende‘).',
    );
    expect(result.passed).toBe(true);
  });

  test.concurrent('the registry may be written as a URL, as docker login writes it', async ({ kube, namespace }) => {
    await createPullSecret(kube, namespace, 'http://localhost:5000/v2/');

    const result = await runCheck(kube, namespace, registrySecret, step);

    expect(result.passed).toBe(true);
  });

  // Near miss: user and password in a generic Secret; the kubelet never reads it for pulls.
  test.concurrent('a generic (Opaque) Secret with user and password fails on its type', async ({ kube, namespace }) => {
    await kube.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'registry-zugang' }, stringData: { username: 'lernende', password: 'geheim123' } },
    });

    const result = await runCheck(kube, namespace, registrySecret, step);

    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      `Das Secret ‚registry-zugang‘ hat den Typ ‚Opaque‘; als imagePullSecret nimmt das kubelet nur Secrets vom Typ ‚kubernetes.io/dockerconfigjson‘. Tipp: Lösch es und leg es mit „kubectl create secret docker-registry registry-zugang --docker-server=localhost:5000 --docker-username=lernende --docker-password=… -n ${namespace}“ neu an – „create secret generic“ macht ein gewöhnliches Secret.`,
    );
  });

  // Near miss: --docker-server forgotten, so kubectl files the credentials under Docker Hub.
  test.concurrent('credentials for Docker Hub instead of the registry fail and say why', async ({ kube, namespace }) => {
    await createPullSecret(kube, namespace, 'https://index.docker.io/v1/');

    const result = await runCheck(kube, namespace, registrySecret, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      'Das Secret ‚registry-zugang‘ hat Zugangsdaten für ‚docker.io‘, nicht für die Registry ‚localhost:5000‘. Ohne „--docker-server“ gelten sie für Docker Hub.',
    );
  });

  test.concurrent('credentials for another user fail', async ({ kube, namespace }) => {
    await createPullSecret(kube, namespace, 'localhost:5000', 'admin');

    const result = await runCheck(kube, namespace, registrySecret, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('meldet sich bei ‚localhost:5000‘ als ‚admin‘ an, erwartet ist ‚lernende‘');
  });

  test.concurrent('a missing Secret says how to create it', async ({ kube, namespace }) => {
    // A name no other test uses: the check would point to a Secret of that name elsewhere.
    const result = await runCheck(kube, namespace, registrySecret, { ...step, name: 'nirgends-zugang' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('kubectl create secret docker-registry nirgends-zugang --docker-server=localhost:5000');
  });
});
