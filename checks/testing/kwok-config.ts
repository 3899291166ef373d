// What kwokctl is told when the test cluster is created: every binary and manifest is
// a local file from the toolchain cache (these machines cannot download them), and the
// kwok controller gets the stages that make pods, nodes and volumes behave.
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Toolchain } from '../../docker/toolchain/paths.ts';

export interface KwokctlSettings {
  /** kwokctl's own cache; nothing is downloaded into it, but it must not be ~/.kwok. */
  cacheDir: string;
  /**
   * How often the HorizontalPodAutoscaler controller re-evaluates. Real clusters use
   * 15 s; tests shorten it so a scale-up shows within seconds, not minutes.
   */
  hpaSyncPeriod: string;
  /**
   * How often metrics-server scrapes (its minimum, 10s; kwokctl sets 15s). A new usage
   * shows in the metrics API after one to two scrapes.
   */
  metricResolution: string;
}

export function kwokctlConfiguration(tools: Toolchain, settings: KwokctlSettings): string {
  const config = {
    apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
    kind: 'KwokctlConfiguration',
    options: {
      runtime: 'binary',
      kubeVersion: `v${tools.versions.kubernetes}`,
      etcdVersion: tools.versions.etcd,
      kwokVersion: `v${tools.versions.kwok}`,
      metricsServerVersion: `v${tools.versions['metrics-server']}`,
      kubeApiserverBinary: tools['kube-apiserver'],
      kubeControllerManagerBinary: tools['kube-controller-manager'],
      kubeSchedulerBinary: tools['kube-scheduler'],
      kubectlBinary: tools.kubectl,
      etcdBinary: tools.etcd,
      etcdctlBinary: tools.etcdctl,
      kwokControllerBinary: tools.kwok,
      metricsServerBinary: tools['metrics-server'],
      // A kustomize directory instead of the components.yaml kwokctl would fetch from
      // GitHub; kwokctl renders it with the kubectl above and rewrites the APIService.
      metricsServerManifests: [join(tools.metricsServerManifests, 'base')],
      enable: ['metrics-server'],
      // The API server and friends listen on loopback only, never on the LAN.
      bindAddress: '127.0.0.1',
      cacheDir: settings.cacheDir,
      quietPull: true,
    },
    componentsPatches: [
      {
        name: 'kube-controller-manager',
        extraArgs: [{ key: 'horizontal-pod-autoscaler-sync-period', value: settings.hpaSyncPeriod }],
      },
      {
        name: 'metrics-server',
        extraArgs: [
          { key: 'metric-resolution', value: settings.metricResolution, override: true },
          // metrics-server insists on scrapes timing out within 90 % of the resolution.
          { key: 'kubelet-request-timeout', value: '5s' },
        ],
      },
    ],
  };
  return stringify(config);
}

/**
 * Stages and resource usage for the kwok controller. Handing kwokctl any Stage replaces
 * all of its built-in ones, so the node and pod stages it would use by default are
 * listed here too (from the kwok module the binaries were built from).
 */
export function kwokConfigFiles(tools: Toolchain): string[] {
  const kustomize = tools.kwokKustomize;
  return [
    join(kustomize, 'stage/node/fast/node-initialize.yaml'),
    join(kustomize, 'stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml'),
    join(kustomize, 'stage/pod/fast/pod-ready.yaml'),
    join(kustomize, 'stage/pod/fast/pod-complete.yaml'),
    join(kustomize, 'stage/pod/fast/pod-delete.yaml'),
    join(kustomize, 'stage/volume/fast/pv-delete.yaml'),
    join(import.meta.dirname, 'kwok', 'volume-provisioner.yaml'),
    // CPU and memory of each pod from its kwok.x-k8s.io/usage-cpu|-memory annotations.
    join(kustomize, 'metrics/usage/usage-from-annotation.yaml'),
  ];
}

/** kwok's StorageClass (kwok-volume, the default class) whose claims our stage provisions. */
export function storageClassFile(tools: Toolchain): string {
  return join(tools.kwokKustomize, 'stage/volume/fast/storage-class.yaml');
}
