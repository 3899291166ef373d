// The learner's cluster over HTTP:
//   GET  /api/cluster         state and progress steps
//   POST /api/cluster         start (take one from the pool or create one)
//   POST /api/cluster/reset   delete and start a fresh one
//   GET  /api/cluster/events  the same state as server-sent events, on every change
import type { IncomingMessage } from 'node:http';
import type { Hono, MiddlewareHandler } from 'hono';
import { streamSSE } from 'hono/streaming';
import { asClusterError } from '../clusters/errors.ts';
import type { ClusterManager, ClusterStatus } from '../clusters/manager.ts';
import type { Admission } from '../terminal/limits.ts';
import { reply, replyError, sameOrigin, type ApiContext, type ApiEnv } from './respond.ts';
import { API, CLUSTER_STATUS_EVENT, type ClusterResponse, type ClusterStatusEvent } from './contract.ts';
import type { LearnerSource } from './learner.ts';

export const CLUSTER_PATH = API.cluster;

const SSE_KEEPALIVE_MS = 20_000;

const NO_CLUSTERS: ClusterStatus = {
  phase: 'none',
  provider: 'none',
  steps: [],
  message: 'Dieser Runner gibt keine Cluster aus (WERKBANK_CLUSTER_PROVIDER=none). Frag deine Lehrenden.',
};

export interface ClusterRouteContext {
  clusters: ClusterManager | null;
  learners: LearnerSource;
  /** The course's cap: a learner without a seat waits for one instead of getting a cluster. */
  admit?: (learnerId: string) => Admission;
  /** The learner's cluster now holds their seat. */
  seated?: (learnerId: string) => void;
  /** Per-client limit for starting and resetting clusters; answers the 429 itself. */
  rateLimited: MiddlewareHandler<ApiEnv>;
  /** Origin check for state-changing requests (a foreign page must not start clusters). */
  originAllowed: (req: IncomingMessage) => boolean;
}

/** GET and POST /api/cluster, POST /api/cluster/reset, GET /api/cluster/events. */
export function clusterRoutes(app: Hono<ApiEnv>, context: ClusterRouteContext): void {
  const { clusters } = context;
  const statusOf = (learnerId: string | null): ClusterStatus =>
    learnerId && clusters ? clusters.status(learnerId) : clusters ? clusters.status('') : NO_CLUSTERS;

  app.get(API.cluster, (c) => reply<ClusterResponse>(c, 200, { ok: true, cluster: statusOf(context.learners.of(c.env.incoming)) }));

  app.get(API.clusterEvents, (c) => {
    const learnerId = context.learners.of(c.env.incoming);
    const response = streamSSE(c, async (stream) => {
      const send = (status: ClusterStatusEvent) => stream.writeSSE({ event: CLUSTER_STATUS_EVENT, data: JSON.stringify(status) });
      if (!clusters || !learnerId) {
        await send(statusOf(null));
        // Nothing will change for a browser without a learner id; let it come back later.
        await stream.write('retry: 30000\n\n');
        return;
      }
      void send(clusters.status(learnerId));
      const unsubscribe = clusters.subscribe(learnerId, (status) => void send(status));
      const keepAlive = setInterval(() => void stream.write(': ping\n\n'), SSE_KEEPALIVE_MS);
      keepAlive.unref();
      // Open until the browser goes away.
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      clearInterval(keepAlive);
      unsubscribe();
    });
    // Proxies (nginx) must pass every event on at once, and nothing may cache them.
    response.headers.set('Content-Type', 'text/event-stream; charset=utf-8');
    response.headers.set('Cache-Control', 'no-store');
    response.headers.set('X-Accel-Buffering', 'no');
    return response;
  });

  const changes = [
    sameOrigin(context.originAllowed, 'Diese Seite darf keinen Cluster starten.'),
    context.rateLimited,
  ] as const;
  app.post(API.cluster, ...changes, (c) => change(c, 'start'));
  app.post(API.clusterReset, ...changes, (c) => change(c, 'reset'));

  async function change(c: ApiContext, action: 'start' | 'reset'): Promise<Response> {
    if (!clusters) return replyError(c, 503, NO_CLUSTERS.message);
    const learnerId = context.learners.ensure(c.env.incoming, c.env.outgoing);
    const admission = context.admit?.(learnerId) ?? { ok: true };
    if (!admission.ok) {
      return reply<ClusterResponse>(c, 503, { ok: false, error: admission.message, position: admission.position, cluster: clusters.status(learnerId) });
    }
    try {
      if (action === 'start') {
        const cluster = await clusters.start(learnerId);
        context.seated?.(learnerId);
        return reply<ClusterResponse>(c, 202, { ok: true, cluster });
      }
      // Deleting takes seconds; the page follows along on the event stream.
      const reset = clusters.reset(learnerId);
      reset.catch((error: unknown) => console.error('[cluster] Zurücksetzen fehlgeschlagen:', error));
      await new Promise((resolve) => setImmediate(resolve));
      return reply<ClusterResponse>(c, 202, { ok: true, cluster: clusters.status(learnerId) });
    } catch (error) {
      const failure = asClusterError(error);
      return reply<ClusterResponse>(c, 500, { ok: false, error: failure.message, cluster: { ...clusters.status(learnerId), error: failure } });
    }
  }
}
