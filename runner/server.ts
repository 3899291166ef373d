// The runner: one Node process, one port, serving the built site, the HTTP API and the
// terminal websockets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { capabilityProbe } from './capabilities.ts';
import { setActiveClusterManager, type ClusterManager, type LearnerCluster } from './clusters/index.ts';
import type { RunnerConfig } from './config.ts';
import { handleClusterRoute } from './http/clusters.ts';
import { handleLabRoute } from './http/labs.ts';
import { ensureLearner, learnerOf } from './http/learner.ts';
import { allowedOrigins, originAllowed } from './http/origin.ts';
import { sendError, sendJson } from './http/respond.ts';
import { siteHandler } from './http/site.ts';
import { prepareLabFiles } from './labs/learner-files.ts';
import { loadOfferedLabs, type LoadedLab } from './labs/load.ts';
import type { Lab } from './labs/schema.ts';
import { loadInstructorToken, type InstructorToken } from './progress/instructor-token.ts';
import { ProgressStore } from './progress/store.ts';
import { connectTerminal, newTerminalStats, type TerminalStats } from './terminal/connection.ts';
import { MAX_PAYLOAD_BYTES, TERMINAL_PATH, TICKET_PATH, type TicketResponse } from './terminal/protocol.ts';
import { TerminalSessions } from './terminal/sessions.ts';
import { TicketStore } from './terminal/tickets.ts';

export interface Runner {
  url: string;
  port: number;
  sessions: TerminalSessions;
  terminalStats: TerminalStats;
  clusters: ClusterManager | null;
  /** For the start-up message: where instructors find their token. */
  instructorToken: InstructorToken;
  close(): Promise<void>;
}

export interface RunnerDependencies {
  /** Directories with kubectl, kind, helm for the learners' PATH. */
  toolDirs?: string[];
  /** Gives learners clusters; none when absent (tests of other parts). */
  clusters?: ClusterManager | null;
  /** The labs offered, without their files (tests); see loadedLabs. */
  labs?: Lab[];
  /** The labs from labs/ with their files, when the caller loaded them already. */
  loadedLabs?: LoadedLab[];
  /** Learners with a ready cluster (grading); the cluster manager's when absent. */
  learnersWithClusters?: () => string[];
  /** The learner's ready cluster for checks; the cluster manager's when absent. */
  clusterFor?: (learnerId: string) => Promise<LearnerCluster | null>;
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startRunner(config: RunnerConfig, deps: RunnerDependencies = {}): Promise<Runner> {
  const toolDirs = deps.toolDirs ?? [];
  const clusters = deps.clusters ?? null;
  // Labs handed in by tests have no directory of files; labs from labs/ fill ~/<lab>/
  // of every learner's home.
  const loadedLabs = deps.labs ? null : (deps.loadedLabs ?? (await loadOfferedLabs()));
  const sessions = new TerminalSessions({
    dataDir: config.dataDir,
    graceMs: config.terminalGraceMs,
    pathPrefix: toolDirs,
    envFor: (learnerId) => clusters?.envFor(learnerId) ?? {},
  });
  clusters?.connectTerminals({
    isActive: (learnerId) => sessions.get(learnerId) !== undefined,
    onEnvChanged: (learnerId) => {
      const ready = clusters.status(learnerId).phase === 'ready';
      const notice = ready
        ? 'Werkbank: Dein Cluster ist bereit, KUBECONFIG ist gesetzt. Probiere: kubectl get nodes'
        : 'Werkbank: Dein Cluster ist weg, KUBECONFIG ist nicht mehr gesetzt.';
      sessions.refreshEnv(learnerId, notice).catch((error: unknown) => console.error('[runner] env.sh:', error));
    },
  });
  setActiveClusterManager(clusters);
  const tickets = new TicketStore();
  const terminalStats = newTerminalStats();
  const capabilities = capabilityProbe(toolDirs);
  const serveSite = config.siteDir ? siteHandler(config.siteDir) : null;
  let origins = new Set<string>();
  const labs = new Map((deps.labs ?? loadedLabs?.map((loaded) => loaded.lab) ?? []).map((lab) => [lab.id, lab]));
  const progress = new ProgressStore(config.dataDir);
  const instructorToken = loadInstructorToken(config.dataDir, config.instructorToken);
  const learnersWithClusters =
    deps.learnersWithClusters ??
    (() => (clusters?.summary() ?? []).flatMap((cluster) => (cluster.owner && cluster.phase === 'ready' ? [cluster.owner] : [])));
  const clusterFor = deps.clusterFor ?? ((learnerId: string) => (clusters ? clusters.clusterFor(learnerId) : Promise.resolve(null)));

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/api/health' && req.method === 'GET') {
      sendJson(res, 200, {
        ok: true,
        node: process.version,
        capabilities: await capabilities(),
        terminals: { live: sessions.size, ...terminalStats },
      });
      return;
    }
    if (path === TICKET_PATH && req.method === 'POST') {
      if (!originAllowed(req, origins)) {
        sendError(res, 403, 'Diese Seite darf kein Terminal öffnen.');
        return;
      }
      const learnerId = ensureLearner(req, res);
      // Before the shell exists: the labs' files wait in ~/<lab>/ at its first prompt.
      // A failure here (home not writable) is the shell start's to report.
      if (loadedLabs) {
        await prepareLabFiles(sessions.homeOf(learnerId), loadedLabs).catch((error: unknown) =>
          console.error(`[runner] Lab-Dateien für ${learnerId.slice(0, 6)}:`, error),
        );
      }
      const body: TicketResponse = { ticket: tickets.issue(learnerId), expiresInMs: tickets.ttlMs };
      sendJson(res, 200, body);
      return;
    }
    if (await handleClusterRoute(req, res, path, { clusters, originAllowed: (request) => originAllowed(request, origins) })) return;
    const labContext = {
      labs,
      store: progress,
      clusterFor,
      learnersWithClusters,
      instructorToken: instructorToken.token,
      originAllowed: (request: IncomingMessage) => originAllowed(request, origins),
    };
    if (await handleLabRoute(req, res, path, labContext)) return;
    sendError(res, 404, `Unbekannte API-Adresse: ${req.method} ${path}`);
  }

  const server = createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    const path = new URL(req.url ?? '/', 'http://runner').pathname;
    if (path.startsWith('/api/')) {
      handleApi(req, res, path).catch((error: unknown) => {
        console.error('[runner] API-Fehler:', error);
        if (!res.headersSent) sendError(res, 500, 'Interner Fehler im Runner. Bitte später erneut versuchen.');
      });
      return;
    }
    if (serveSite) serveSite(req, res);
    else sendError(res, 404, 'Dieser Runner liefert nur die API aus.');
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://runner');
    if (url.pathname !== TERMINAL_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    if (!originAllowed(req, origins)) return rejectUpgrade(socket, 403, 'Forbidden');
    const learnerId = learnerOf(req);
    const ticket = url.searchParams.get('ticket');
    if (!learnerId || !ticket || !tickets.redeem(ticket, learnerId)) {
      return rejectUpgrade(socket, 401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => connectTerminal(ws, learnerId, sessions, terminalStats));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origins = allowedOrigins(config.host, port, config.extraAllowedOrigins);
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    port,
    sessions,
    terminalStats,
    clusters,
    instructorToken,
    async close() {
      setActiveClusterManager(null);
      await clusters?.close();
      const shellsGone = sessions.disposeAll('shutdown');
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await shellsGone;
      progress.close();
    },
  };
}
