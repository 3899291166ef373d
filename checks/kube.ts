// Typed API clients for one check run: every request carries the run's AbortSignal, so
// a timeout really cancels what is in flight, and requests to the same cluster share
// one TLS connection pool instead of a new handshake per call (client-node's default).
import {
  ApiException,
  AppsV1Api,
  AuthorizationV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  DiscoveryV1Api,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
  ServerConfiguration,
  StorageV1Api,
  type Configuration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';
import { podExec, type PodExec } from './exec.ts';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

export interface KubeApi {
  readonly core: CoreV1Api;
  /** A command in a container (`kubectl exec`), cancelled with the run. */
  readonly exec: PodExec;
  /** Aggregated and custom APIs, e.g. metrics.k8s.io (what `kubectl top` reads). */
  readonly custom: CustomObjectsApi;
  readonly apps: AppsV1Api;
  readonly authorization: AuthorizationV1Api;
  readonly autoscaling: AutoscalingV2Api;
  readonly batch: BatchV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly networking: NetworkingV1Api;
  readonly rbac: RbacAuthorizationV1Api;
  readonly storage: StorageV1Api;
}

/**
 * The kubeconfig's own authentication (certificates, tokens, exec plugins), but with the
 * first request's connection pool (undici dispatcher) reused for all later requests.
 */
class PooledAuthentication implements SecurityAuthentication {
  readonly config: KubeConfig;
  dispatcher: Dispatcher | undefined;

  constructor(config: KubeConfig) {
    this.config = config;
  }

  getName(): string {
    return 'kubeconfig (gemeinsamer Verbindungspool)';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.config.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (fresh === undefined) return;
    this.dispatcher ??= fresh;
    context.setDispatcher(this.dispatcher);
  }
}

const authentications = new WeakMap<KubeConfig, PooledAuthentication>();

function authenticationFor(config: KubeConfig): PooledAuthentication {
  let auth = authentications.get(config);
  if (!auth) {
    auth = new PooledAuthentication(config);
    authentications.set(config, auth);
  }
  return auth;
}

export function kubeApi(config: KubeConfig, signal: AbortSignal): KubeApi {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('Die kubeconfig nennt keinen Cluster (current-context fehlt oder ist unbekannt).');
  const configuration: Configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: authenticationFor(config) },
    promiseMiddleware: [
      {
        pre: async (request) => {
          request.setSignal(signal);
          request.setHeaderParam('User-Agent', 'werkbank-checks');
          return request;
        },
        post: async (response) => response,
      },
    ],
  });
  const clients = new Map<string, unknown>();
  function client<T>(key: string, make: () => T): T {
    if (!clients.has(key)) clients.set(key, make());
    return clients.get(key) as T;
  }
  return {
    get core() {
      return client('core', () => new CoreV1Api(configuration));
    },
    get exec() {
      return client('exec', () => podExec(config, signal));
    },
    get custom() {
      return client('custom', () => new CustomObjectsApi(configuration));
    },
    get apps() {
      return client('apps', () => new AppsV1Api(configuration));
    },
    get authorization() {
      return client('authorization', () => new AuthorizationV1Api(configuration));
    },
    get autoscaling() {
      return client('autoscaling', () => new AutoscalingV2Api(configuration));
    },
    get batch() {
      return client('batch', () => new BatchV1Api(configuration));
    },
    get discovery() {
      return client('discovery', () => new DiscoveryV1Api(configuration));
    },
    get networking() {
      return client('networking', () => new NetworkingV1Api(configuration));
    },
    get rbac() {
      return client('rbac', () => new RbacAuthorizationV1Api(configuration));
    },
    get storage() {
      return client('storage', () => new StorageV1Api(configuration));
    },
  };
}

/** True when the API answered 404 (the object, or its namespace, does not exist). */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

/** The object, or undefined when the API says it does not exist; other errors propagate. */
export async function readOrUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
