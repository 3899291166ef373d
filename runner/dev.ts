// `./werkbank dev`: Astro's dev server (hot reload for lessons) on the usual port, with
// the runner behind it on the next port; Astro proxies /api (and the terminal socket).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createClusterManager } from './clusters/index.ts';
import { loadClusterConfig } from './clusters/config.ts';
import { labSetupPreparer } from './labs/cluster-setup.ts';
import { loadOfferedLabs } from './labs/load.ts';
import { loadConfig, repoRoot } from './config.ts';
import { acquireInstanceLock, DataDirInUse } from './instance-lock.ts';
import { migrateLegacyLearnerDirs } from './learner-dir.ts';
import { startRunner } from './server.ts';
import { linkLearnerTools } from './tools.ts';

const config = loadConfig();
const sitePort = config.port;
const devOrigins = [`http://127.0.0.1:${sitePort}`, `http://localhost:${sitePort}`];
const lock = await acquireInstanceLock(config.dataDir).catch((error: unknown) => {
  if (!(error instanceof DataDirInUse)) throw error;
  console.error(error.message);
  process.exit(1);
});
migrateLegacyLearnerDirs(config.dataDir);
const toolDir = await linkLearnerTools(config.dataDir);
const labs = await loadOfferedLabs();
const clusters = createClusterManager(loadClusterConfig(), config.dataDir, { prepareCluster: labSetupPreparer(labs) });
const runner = await startRunner(
  {
    ...config,
    port: sitePort + 1,
    siteDir: null,
    extraAllowedOrigins: [...config.extraAllowedOrigins, ...devOrigins],
  },
  { toolDirs: [toolDir], clusters, loadedLabs: labs },
);

lock.setUrl(`http://${config.host}:${sitePort}`);

const astro = spawn(
  join(repoRoot, 'node_modules', '.bin', 'astro'),
  ['dev', '--root', 'site', '--host', config.host, '--port', String(sitePort)],
  { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, WERKBANK_API_TARGET: runner.url } },
);
astro.on('exit', (code) => {
  void runner.close().then(() => process.exit(code ?? 0));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => astro.kill(signal));
}
