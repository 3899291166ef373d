// The typed API clients tests need, all from one kubeconfig file.
import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  Metrics,
  NetworkingV1Api,
  StorageV1Api,
} from '@kubernetes/client-node';

export interface KubeClients {
  config: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  discovery: DiscoveryV1Api;
  storage: StorageV1Api;
  networking: NetworkingV1Api;
  custom: CustomObjectsApi;
  /** The metrics.k8s.io API, what `kubectl top` reads. */
  metrics: Metrics;
}

export function kubeClients(kubeconfigPath: string): KubeClients {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    autoscaling: config.makeApiClient(AutoscalingV2Api),
    discovery: config.makeApiClient(DiscoveryV1Api),
    storage: config.makeApiClient(StorageV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
    custom: config.makeApiClient(CustomObjectsApi),
    metrics: new Metrics(config),
  };
}

/** True when the API answered 404 for the object. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}
