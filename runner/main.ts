// `./werkbank start`: the runner with the built site on one port.
import { createClusterManager } from './clusters/index.ts';
import { loadClusterConfig } from './clusters/config.ts';
import { labSetupPreparer } from './labs/cluster-setup.ts';
import { loadOfferedLabs } from './labs/load.ts';
import { loadConfig } from './config.ts';
import { acquireInstanceLock, DataDirInUse } from './instance-lock.ts';
import { migrateLegacyLearnerDirs } from './learner-dir.ts';
import { startRunner } from './server.ts';
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
const clusters = createClusterManager(loadClusterConfig(), config.dataDir, { prepareCluster: labSetupPreparer(labs) });
const runner = await startRunner(config, { toolDirs: [toolDir], clusters, loadedLabs: labs }).catch((error: NodeJS.ErrnoException) => {
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

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\nWerkbank wird beendet …');
    void runner.close().then(() => process.exit(0));
  });
}
