// `./werkbank stop`: ends the runner on this data dir (if one runs) and removes its
// sandboxes and clusters for good, each learner's home back on the host first. A plain
// restart keeps them instead, and the next runner adopts them.
// `--verwaiste` also removes sandboxes of runners whose data dir no longer exists
// (test runs, deleted courses): nobody could ever adopt those again.
import { existsSync } from 'node:fs';
import { loadClusterConfig } from '../clusters/config.ts';
import { createClusterManager } from '../clusters/index.ts';
import { LABELS } from '../clusters/sandbox-provider.ts';
import { loadConfig } from '../config.ts';
import { acquireInstanceLock, DataDirInUse, type InstanceLock } from '../instance-lock.ts';
import { runChecked as run } from '../process.ts';
import { waitUntil } from '../wait.ts';

const config = loadConfig();

async function takeLock(): Promise<InstanceLock> {
  let holder = 0;
  return waitUntil(
    'Werkbank beendet',
    async () => {
      try {
        return await acquireInstanceLock(config.dataDir);
      } catch (error) {
        if (!(error instanceof DataDirInUse)) throw error;
        if (!error.holder) throw error;
        if (!holder) {
          console.log(`Beende die laufende Werkbank (PID ${error.holder.pid}) …`);
          process.kill(error.holder.pid, 'SIGTERM');
        }
        holder = error.holder.pid;
        return undefined;
      }
    },
    {
      timeoutMs: 60_000,
      intervalMs: 500,
      retryErrors: false,
      timeoutError: () => new Error(`Die Werkbank (PID ${holder}) beendet sich nicht; bitte "kill ${holder}" ausführen.`),
    },
  );
}

/** Sandboxes (and their volumes) labelled with a data dir that is gone. */
async function removeAbandoned(): Promise<string[]> {
  const stdout = await run('docker', ['ps', '-a', '--filter', `label=${LABELS.sandbox}`, '--format', `{{.Names}}\t{{.Label "${LABELS.dataDir}"}}`]);
  const removed: string[] = [];
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [name = '', dataDir = ''] = line.split('\t');
    if (!dataDir || existsSync(dataDir)) continue;
    await run('docker', ['rm', '-f', '-v', name]);
    await run('docker', ['volume', 'rm', '-f', `${name}-docker`]);
    removed.push(name);
  }
  // A sandbox cut off while it was being made leaves only its Docker volume.
  const volumes = await run('docker', ['volume', 'ls', '--filter', `label=${LABELS.dataDir}`, '--format', `{{.Name}}\t{{.Label "${LABELS.dataDir}"}}`]);
  for (const line of volumes.split('\n').filter(Boolean)) {
    const [volume = '', dataDir = ''] = line.split('\t');
    if (!dataDir || existsSync(dataDir)) continue;
    await run('docker', ['volume', 'rm', '-f', volume]);
    removed.push(volume);
  }
  return removed;
}

const lock = await takeLock();
try {
  const clusters = createClusterManager({ ...loadClusterConfig(), poolSize: 0 }, config.dataDir, { log: () => {} });
  const removed = clusters ? await clusters.removeAll() : [];
  await clusters?.close();
  if (process.argv.includes('--verwaiste')) removed.push(...(await removeAbandoned()));
  console.log(removed.length > 0 ? `Entfernt: ${removed.join(', ')}` : 'Keine Sandboxen oder Cluster dieser Werkbank gefunden.');
} finally {
  await lock.release();
}
