// Fake nodes for the kwok cluster. kwok's node stages make them Ready and keep their
// lease; what a kubelet would report beyond that (capacity, version, the images it has
// pulled) is written here, so checks that read nodes find real-looking data.
import type { CoreV1Api, V1ContainerImage, V1Node } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/** Images each fake node reports as present, as `kubectl get node -o yaml` shows them. */
export const defaultNodeImages: V1ContainerImage[] = [
  { names: ['registry.k8s.io/pause:3.10.1'], sizeBytes: 320_448 },
  { names: ['docker.io/library/nginx:1.27-alpine'], sizeBytes: 20_993_152 },
  { names: ['docker.io/library/busybox:1.37'], sizeBytes: 2_170_556 },
];

export interface FakeNodeSpec {
  name: string;
  /** Pod addresses come from here, as on a kind node (10.244.N.0/24). */
  podCIDR: string;
  kubernetesVersion: string;
  images: V1ContainerImage[];
}

function fakeNode({ name, podCIDR }: FakeNodeSpec): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: {
        // kwok manages nodes with this annotation.
        'kwok.x-k8s.io/node': 'fake',
        'node.alpha.kubernetes.io/ttl': '0',
        // All fake nodes share kwok's one endpoint; this path tells metrics-server where
        // this node's resource metrics are, instead of the kubelet's /metrics/resource.
        'metrics.k8s.io/resource-metrics-path': `/metrics/nodes/${name}/metrics/resource`,
      },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
    },
    spec: { podCIDR, podCIDRs: [podCIDR] },
  };
}

function fakeNodeStatus({ kubernetesVersion, images }: FakeNodeSpec): Pick<V1Node, 'status'> {
  const resources = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    status: {
      capacity: resources,
      allocatable: resources,
      images,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: `v${kubernetesVersion}`,
        kubeProxyVersion: `v${kubernetesVersion}`,
        bootID: '',
        machineID: '',
        systemUUID: '',
      },
    },
  };
}

export async function createFakeNode(core: CoreV1Api, spec: FakeNodeSpec): Promise<void> {
  await core.createNode({ body: fakeNode(spec) });
  // Status is written through its subresource, as a kubelet does; kwok's stages merge
  // their conditions and addresses into it and leave the rest alone.
  await core.patchNodeStatus(
    { name: spec.name, body: fakeNodeStatus(spec) },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}
