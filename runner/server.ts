// The runner: one Node process, one port, serving the built site, the HTTP API and the
// terminal websockets.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { capabilityProbe } from './capabilities.ts';
import { setActiveClusterManager, type ClusterManager, type LearnerCluster } from './clusters/index.ts';
import type { RunnerConfig } from './config.ts';
import { OidcLogin } from './auth/oidc-login.ts';
import { LearnerIdentity } from './http/learner.ts';
import { clientAddress } from './http/proxy.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { allowedOrigins, originAllowed } from './http/origin.ts';
import { sendError } from './http/respond.ts';
import { apiRouter } from './http/api.ts';
import { siteHandler } from './http/site.ts';
import { prepareLabFiles } from './labs/learner-files.ts';
import { loadOfferedLabs, type LoadedLab } from './labs/load.ts';
import type { Lab } from './labs/schema.ts';
import { loadInstructorToken, type InstructorToken } from './progress/instructor-token.ts';
import { ProgressStore } from './progress/store.ts';
import { connectTerminal, newTerminalStats, type TerminalStats } from './terminal/connection.ts';
import { MAX_PAYLOAD_BYTES, TERMINAL_PATH } from './terminal/protocol.ts';
import { migrateLegacyLearnerDirs } from './learner-dir.ts';
import { CourseFull, TerminalSessions, type ShellPlacement } from './terminal/sessions.ts';
import { TicketStore } from './terminal/tickets.ts';
import { CourseQueue } from './terminal/limits.ts';
import type { Preparation } from './setup/preparation.ts';
import { preparationGate } from './setup/preparation-route.ts';

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
  /** Learner mode "namespace" (a shared cluster); the cluster manager's provider says when absent. */
  sharedCluster?: boolean;
  /** What clusters (and sandbox shells) still wait for, made in the background. */
  preparation?: Preparation | null;
}

/** Every learner's shell in their own sandbox: started there once it runs (from the pool,
 * or made for them now), and never anywhere else. */
function sandboxShells(clusters: ClusterManager): (learnerId: string, session: string) => Promise<ShellPlacement> {
  const sandbox = clusters.provider.sandbox!;
  return async (learnerId, session) => {
    const name = await clusters.sandboxFor(learnerId);
    return { command: sandbox.shellCommand(name, session), hangUp: () => sandbox.hangUpShell(name, session) };
  };
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
  migrateLegacyLearnerDirs(config.dataDir);
  const login = config.oidc
    ? new OidcLogin({
        dataDir: config.dataDir,
        trustProxy: config.trustProxy,
        settings: config.oidc,
      })
    : null;
  // Signed in: the learner id belongs to the person; otherwise to the browser's pseudonym cookie.
  const learners = login ? login.learners() : new LearnerIdentity({ dataDir: config.dataDir, trustProxy: config.trustProxy });
  const rateLimit = new RateLimiter({ capacity: config.rateLimitPerMinute, perMinute: config.rateLimitPerMinute });
  const sessions = new TerminalSessions({
    dataDir: config.dataDir,
    graceMs: config.terminalGraceMs,
    pathPrefix: toolDirs,
    envFor: (learnerId) => clusters?.envFor(learnerId) ?? {},
    ...(clusters?.provider.sandbox ? { placeShell: sandboxShells(clusters) } : {}),
    maxShells: config.maxShells,
    // The home appears with the first shell, not with a ticket (which anyone can ask for).
    // The labs' files wait in ~/<lab>/ at its first prompt; a failure here (home not
    // writable) is the shell start's to report.
    ...(loadedLabs
      ? {
          beforeStart: (learnerId: string, home: string) =>
            prepareLabFiles(home, loadedLabs).catch((error: unknown) =>
              console.error(`[runner] Lab-Dateien für ${learnerId.slice(0, 6)}:`, error),
            ),
        }
      : {}),
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
  // One seat per learner with a shell or a sandbox/cluster (creating or running): the cap
  // bounds both, and who comes when it is full waits in line.
  const courseQueue = new CourseQueue({
    maxSeats: config.maxShells,
    holders: () =>
      new Set([
        ...sessions.learnerIds(),
        ...(clusters?.summary() ?? []).flatMap((cluster) => (cluster.owner && cluster.phase !== 'deleting' ? [cluster.owner] : [])),
      ]),
  });
  const tickets = new TicketStore();
  const terminalStats = newTerminalStats();
  const capabilities = capabilityProbe(toolDirs);
  const preparation = preparationGate(deps.preparation ?? null, Boolean(clusters?.provider.sandbox));
  const serveSite = config.siteDir ? siteHandler(config.siteDir) : null;
  let origins = new Set<string>();
  const labs = new Map((deps.labs ?? loadedLabs?.map((loaded) => loaded.lab) ?? []).map((lab) => [lab.id, lab]));
  const progress = new ProgressStore(config.dataDir);
  const instructorToken = loadInstructorToken(config.dataDir, config.instructorToken);
  const learnersWithClusters =
    deps.learnersWithClusters ??
    (() => (clusters?.summary() ?? []).flatMap((cluster) => (cluster.owner && cluster.phase === 'ready' ? [cluster.owner] : [])));
  const clusterFor = deps.clusterFor ?? ((learnerId: string) => (clusters ? clusters.clusterFor(learnerId) : Promise.resolve(null)));

  const api = getRequestListener(
    apiRouter({
      login,
      learners,
      rateLimit,
      clientAddress: (req) => clientAddress(req, config.trustProxy),
      originAllowed: (req) => originAllowed(req, origins),
      preparation,
      health: async () => ({ capabilities: await capabilities(), live: sessions.size, stats: terminalStats }),
      ticket: {
        admit: (learnerId) => courseQueue.admit(learnerId),
        noRoom: (learnerId) => (sessions.hasRoomFor(learnerId) ? null : new CourseFull(sessions.maxShells).message),
        issue: (learnerId, size) => {
          const ticket = tickets.issue(learnerId);
          if (size) sessions.prepare(learnerId, size.cols, size.rows);
          return { ticket, expiresInMs: tickets.ttlMs };
        },
      },
      clusters: {
        clusters,
        admit: (learnerId) => courseQueue.admit(learnerId),
        seated: (learnerId) => courseQueue.seated(learnerId),
      },
      labs: {
        labs,
        store: progress,
        clusterFor,
        sharedCluster: deps.sharedCluster ?? Boolean(clusters?.provider.labNamespaces),
        learnersWithClusters,
        instructorToken: instructorToken.token,
        ...(login
          ? {
              instructorSession: (request: IncomingMessage) => login.session(request)?.instructor ?? null,
              displayName: (learnerId: string) => login.accounts.displayName(learnerId),
            }
          : {}),
      },
    }).fetch,
    // The runner's other code (sign-in, fetch) keeps Node's own Request and Response.
    { overrideGlobalObjects: false },
  );

  const server = createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    const path = new URL(req.url ?? '/', 'http://runner').pathname;
    if (path.startsWith('/api/')) {
      void api(req, res);
      return;
    }
    if (serveSite) serveSite(req, res);
    else sendError(res, 404, 'Dieser Runner liefert nur die API aus.');
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://runner');
    if (url.pathname !== TERMINAL_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    const learnerId = learners.of(req);
    const ticket = url.searchParams.get('ticket');
    // Redeemed before any other check: a ticket is used up by every attempt, so one seen
    // by a foreign page (or guessed in a refused try) opens nothing afterwards.
    const redeemed = ticket !== null && tickets.redeem(ticket, learnerId);
    if (!originAllowed(req, origins)) return rejectUpgrade(socket, 403, 'Forbidden');
    if (!learnerId || !redeemed) return rejectUpgrade(socket, 401, 'Unauthorized');
    courseQueue.seated(learnerId);
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
