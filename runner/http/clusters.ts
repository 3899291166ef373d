// The learner's cluster over HTTP:
//   GET  /api/cluster         state and progress steps
//   POST /api/cluster         start (take one from the pool or create one)
//   POST /api/cluster/reset   delete and start a fresh one
//   GET  /api/cluster/events  the same state as server-sent events, on every change
import type { IncomingMessage, ServerResponse } from 'node:http';
import { asClusterError } from '../clusters/errors.ts';
import type { ClusterManager, ClusterStatus } from '../clusters/manager.ts';
import type { Admission } from '../terminal/limits.ts';
import type { LearnerSource } from './learner.ts';
import { sendError, sendJson } from './respond.ts';

export const CLUSTER_PATH = '/api/cluster';

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
  /** Per-client limit for starting and resetting clusters; sends the 429 itself. */
  withinRateLimit: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Origin check for state-changing requests (a foreign page must not start clusters). */
  originAllowed: (req: IncomingMessage) => boolean;
}

/** Handles the request if it is one of the cluster routes; returns false otherwise. */
export async function handleClusterRoute(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  context: ClusterRouteContext,
): Promise<boolean> {
  const { clusters } = context;
  if (path === CLUSTER_PATH && req.method === 'GET') {
    const learnerId = context.learners.of(req);
    sendJson(res, 200, { ok: true, cluster: learnerId && clusters ? clusters.status(learnerId) : clusters ? clusters.status('') : NO_CLUSTERS });
    return true;
  }
  if (path === `${CLUSTER_PATH}/events` && req.method === 'GET') {
    streamStatus(req, res, clusters, context.learners.of(req));
    return true;
  }
  const isStart = path === CLUSTER_PATH && req.method === 'POST';
  const isReset = path === `${CLUSTER_PATH}/reset` && req.method === 'POST';
  if (!isStart && !isReset) return false;
  if (!context.originAllowed(req)) {
    sendError(res, 403, 'Diese Seite darf keinen Cluster starten.');
    return true;
  }
  if (!context.withinRateLimit(req, res)) return true;
  if (!clusters) {
    sendError(res, 503, NO_CLUSTERS.message);
    return true;
  }
  const learnerId = context.learners.ensure(req, res);
  const admission = context.admit?.(learnerId) ?? { ok: true };
  if (!admission.ok) {
    sendJson(res, 503, { ok: false, error: admission.message, position: admission.position, cluster: clusters.status(learnerId) });
    return true;
  }
  try {
    if (isStart) {
      const cluster = await clusters.start(learnerId);
      context.seated?.(learnerId);
      sendJson(res, 202, { ok: true, cluster });
    } else {
      // Deleting takes seconds; the page follows along on the event stream.
      const reset = clusters.reset(learnerId);
      reset.catch((error: unknown) => console.error('[cluster] Zurücksetzen fehlgeschlagen:', error));
      await new Promise((resolve) => setImmediate(resolve));
      sendJson(res, 202, { ok: true, cluster: clusters.status(learnerId) });
    }
  } catch (error) {
    const failure = asClusterError(error);
    sendJson(res, 500, { ok: false, error: failure.message, cluster: { ...clusters.status(learnerId), error: failure } });
  }
  return true;
}

function streamStatus(req: IncomingMessage, res: ServerResponse, clusters: ClusterManager | null, learnerId: string | null): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  const send = (status: ClusterStatus) => res.write(`event: status\ndata: ${JSON.stringify(status)}\n\n`);
  if (!clusters || !learnerId) {
    send(clusters ? clusters.status('') : NO_CLUSTERS);
    // Nothing will change for a browser without a learner id; let it come back later.
    res.end('retry: 30000\n\n');
    return;
  }
  send(clusters.status(learnerId));
  const unsubscribe = clusters.subscribe(learnerId, send);
  const keepAlive = setInterval(() => res.write(': ping\n\n'), SSE_KEEPALIVE_MS);
  keepAlive.unref();
  req.once('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}
