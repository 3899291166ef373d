// `./werkbank start`: the runner with the built site on one port.
import { createClusterManager } from './clusters/index.ts';
import { loadClusterConfig } from './clusters/config.ts';
import { labSetupPreparer } from './labs/cluster-setup.ts';
import { loadOfferedLabs } from './labs/load.ts';
import { loadConfig } from './config.ts';
import { startRunner } from './server.ts';
import { linkLearnerTools } from './tools.ts';

const config = loadConfig();
const toolDir = await linkLearnerTools(config.dataDir);
// Loaded before the clusters: the warm pool's first cluster already gets the labs' setups.
const labs = await loadOfferedLabs();
const clusters = createClusterManager(loadClusterConfig(), config.dataDir, { prepareCluster: labSetupPreparer(labs) });
const runner = await startRunner(config, { toolDirs: [toolDir], clusters, loadedLabs: labs }).catch((error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') {
    console.error(`Port ${config.port} ist schon belegt. Anderen Port wählen: WERKBANK_PORT=4330 ./werkbank start`);
  } else {
    console.error('Der Runner konnte nicht starten:', error);
  }
  process.exit(1);
});

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
