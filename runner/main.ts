// `./werkbank start`: the runner with the built site on one port.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createClusterManager } from './clusters/index.ts';
import { loadClusterConfig } from './clusters/config.ts';
import { labSetupPreparer } from './labs/cluster-setup.ts';
import { loadOfferedLabs } from './labs/load.ts';
import { loadConfig, repoRoot } from './config.ts';
import { acquireInstanceLock, DataDirInUse } from './instance-lock.ts';
import { migrateLegacyLearnerDirs } from './learner-dir.ts';
import { startRunner } from './server.ts';
import { Preparation } from './setup/preparation.ts';
import { werkbankSteps } from './setup/werkbank-steps.ts';
import { linkLearnerTools } from './tools.ts';

const config = loadConfig();
// Before anything touches the data dir: a second runner must not change a thing in it.
const lock = await acquireInstanceLock(config.dataDir).catch((error: unknown) => {
  if (!(error instanceof DataDirInUse)) throw error;
  console.error(error.message);
  process.exit(1);
});
// Before the cluster manager looks for kubeconfigs under the learners' derived names.
migrateLegacyLearnerDirs(config.dataDir);
const toolDir = await linkLearnerTools(config.dataDir);
// Loaded before the clusters: the warm pool's first cluster already gets the labs' setups.
const labs = await loadOfferedLabs();
const clusterConfig = loadClusterConfig();
// `./werkbank start` serves first: tools, Docker and images are made here in the
// background; clusters (and sandbox shells) start when what they need is ready.
const preparation =
  process.env.WERKBANK_PREPARE_IN_BACKGROUND === '1' && clusterConfig.provider !== 'none'
    ? new Preparation({
        steps: werkbankSteps(repoRoot, clusterConfig.provider === 'sandbox'),
        durationsFile: join(process.env.WERKBANK_CACHE ?? join(homedir(), '.cache', 'werkbank'), 'preparation-seconds.json'),
      })
    : null;
const clusters = createClusterManager(clusterConfig, config.dataDir, {
  prepareCluster: labSetupPreparer(labs),
  // A sandbox is the learner's shell and cluster in one: it starts when the shell's
  // pieces are there, and its cluster waits inside for the node and lab images (after a
  // failed step until a retry got them made: the automatic one or "Erneut versuchen").
  ...(preparation
    ? clusterConfig.provider === 'sandbox'
      ? { startAfter: preparation.whenReady('terminal'), clusterAfter: preparation.whenDone('cluster') }
      : { startAfter: preparation.whenReady('cluster') }
    : {}),
});
const runner = await startRunner(config, { toolDirs: [toolDir], clusters, loadedLabs: labs, preparation }).catch((error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') {
    console.error(
      `Port ${config.port} ist schon belegt – vielleicht von einer Werkbank auf einem anderen Datenverzeichnis oder einem anderen Programm.\n` +
        `Wer ihn belegt, zeigt: ss -ltnp 'sport = :${config.port}'  (oder: lsof -i :${config.port})\n` +
        'Ist es eine ältere Werkbank, diese beenden. Ein anderer Port (WERKBANK_PORT=…) ist nur für einen zweiten Kurs mit eigenem WERKBANK_DATA richtig.',
    );
  } else {
    console.error('Der Runner konnte nicht starten:', error);
  }
  process.exit(1);
});

lock.setUrl(runner.url);
console.log(`\nWerkbank läuft: ${runner.url}/\n(Beenden mit Strg+C)\n`);
const { instructorToken } = runner;
const tokenText =
  instructorToken.source === 'env' ? 'aus WERKBANK_INSTRUCTOR_TOKEN' : `${instructorToken.token} (gespeichert in ${instructorToken.path})`;
console.log(`Lehrende: ${runner.url}/lehrende/ mit Token ${tokenText}\n`);
// The learners' PATH links point at the tools once they are there (the toolchain may
// have been built only now, also by a retry after a failed step).
preparation?.subscribe((state) => {
  if (state.phase === 'done') void linkLearnerTools(config.dataDir);
});
void preparation?.start().then(() => linkLearnerTools(config.dataDir));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\nWerkbank wird beendet …');
    preparation?.stop();
    void runner.close().then(() => process.exit(0));
  });
}
