// The authoritative source for image-loaded is the nodes' container runtime (crictl in
// kind's node containers, tested on kind elsewhere). Here a fake NodeRuntime stands in
// for it, listing per kwok node what crictl would; the API fallback reads the kwok
// nodes' status.images.
import { describe, expect } from 'vitest';
import type { NodeImages, NodeRuntime } from '../core.ts';
import { runCheck } from '../testing/check-helpers.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { imageLoaded } from './image-loaded.ts';

const PAUSE = 'registry.k8s.io/pause:3.10.1';
const SHOP = 'docker.io/werkbank/shop:1.0';

/** A runtime that answers like crictl on each kwok node, with the images given per node. */
async function fakeRuntime(kube: KubeClients, imagesFor: (node: string, index: number) => string[]): Promise<NodeRuntime> {
  const nodes = (await kube.core.listNode()).items.map((node) => node.metadata?.name ?? '');
  return {
    source: 'crictl in den Knoten (Testattrappe)',
    async listImages(): Promise<NodeImages[]> {
      return nodes.map((node, index) => ({ node, images: [PAUSE, ...imagesFor(node, index)] }));
    },
  };
}

describe('image-loaded', () => {
  test.concurrent('fake NodeRuntime: passes when every node has the image', async ({ kube, namespace }) => {
    const nodeRuntime = await fakeRuntime(kube, () => [SHOP]);

    const result = await runCheck(kube, namespace, imageLoaded, { image: 'werkbank/shop:1.0' }, { nodeRuntime });

    expect(result.message).toBe(
      'Das Image ‚werkbank/shop:1.0‘ ist auf allen 2 Knoten vorhanden (Quelle: crictl in den Knoten (Testattrappe)).',
    );
    expect(result.passed).toBe(true);
    expect(result.data).toMatchObject({ source: 'runtime', canonical: SHOP });
  });

  test.concurrent('fake NodeRuntime: built with docker but never loaded into the cluster', async ({ kube, namespace }) => {
    const nodeRuntime = await fakeRuntime(kube, () => []);

    const result = await runCheck(kube, namespace, imageLoaded, { image: 'werkbank/shop:1.0' }, { nodeRuntime });

    expect(result.passed).toBe(false);
    // The runtime answers at once, so there is nothing to wait for.
    expect(result.attempts).toBe(1);
    expect(result.message).toContain('Das Image ‚werkbank/shop:1.0‘ liegt auf keinem der 2 Knoten');
    expect(result.message).toContain('liegt nur im Docker deines Rechners');
    expect(result.message).toContain('„kind load docker-image werkbank/shop:1.0“');
  });

  test.concurrent('fake NodeRuntime: another tag is loaded than the step asks for', async ({ kube, namespace }) => {
    const nodeRuntime = await fakeRuntime(kube, () => [SHOP]);

    const result = await runCheck(kube, namespace, imageLoaded, { image: 'werkbank/shop:1.1' }, { nodeRuntime });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Dort gibt es nur ‚werkbank/shop:1.0‘ – stimmt der Tag?');
  });

  test.concurrent('fake NodeRuntime: on one node only names the node that lacks it', async ({ kube, namespace }) => {
    const nodeRuntime = await fakeRuntime(kube, (_, index) => (index === 0 ? [SHOP] : []));

    const all = await runCheck(kube, namespace, imageLoaded, { image: 'werkbank/shop:1.0' }, { nodeRuntime });
    const any = await runCheck(kube, namespace, imageLoaded, { image: 'werkbank/shop:1.0', nodes: 'any' }, { nodeRuntime });

    expect(all.passed).toBe(false);
    expect(all.message).toContain('fehlt auf dem Knoten ‚kwok-node-2‘ (vorhanden auf ‚kwok-node-1‘)');
    expect(any.passed).toBe(true);
    expect(any.message).toContain('auf 1 von 2 Knoten (‚kwok-node-1‘)');
  });

  test.concurrent('without a runtime, the nodes’ status.images decide', async ({ kube, namespace }) => {
    const result = await runCheck(kube, namespace, imageLoaded, { image: 'nginx:1.27-alpine' });

    expect(result.passed).toBe(true);
    expect(result.message).toBe('Das Image ‚nginx:1.27-alpine‘ ist auf allen 2 Knoten vorhanden (Quelle: status.images der Knoten).');
  });

  test.concurrent('a runtime that fails falls back to status.images and says so', async ({ kube, namespace }) => {
    const nodeRuntime: NodeRuntime = {
      source: 'crictl in den Knoten',
      async listImages() {
        throw new Error('docker exec kwok-node-1 crictl images: exit 1');
      },
    };

    const result = await runCheck(kube, namespace, imageLoaded, { image: 'busybox:1.37' }, { nodeRuntime });

    expect(result.passed).toBe(true);
    expect(result.message).toContain('Quelle: status.images der Knoten, weil die Container-Runtime nicht antwortete: docker exec');
  });

  test.concurrent('not in status.images: waits for the kubelet’s next report, then says what is missing', async ({
    kube,
    namespace,
  }) => {
    const result = await runCheck(kube, namespace, imageLoaded, { image: 'werkbank/shop:1.0' }, { timeoutMs: 1500 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.attempts).toBeGreaterThan(1);
    expect(result.message).toContain('Das Image ‚werkbank/shop:1.0‘ liegt auf keinem der 2 Knoten (Quelle: status.images der Knoten)');
  });
});
