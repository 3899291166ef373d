// What the host gives clusters beyond Docker: inotify instances and watches (every kind
// node's systemd, containerd and kubelet take some of the host user's), free disk where
// the toolchain and images are cached, and free memory.
import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { freemem } from 'node:os';
import { blocker, ok, warning, type Finding } from './finding.ts';

/** kind's known-issues page names these; docker/engine/ensure.sh raises to them as root. */
export const INOTIFY_WANTED = { max_user_instances: 512, max_user_watches: 524288 } as const;
export type InotifyKey = keyof typeof INOTIFY_WANTED;

const GiB = 1024 ** 3;
/** "53,0 GiB": German decimal comma. */
const gib = (bytes: number) => `${(bytes / GiB).toFixed(1).replace('.', ',')} GiB`;

export function inotifyFinding(values: Record<InotifyKey, number | null>): Finding {
  const topic = 'inotify-Grenzen';
  const low = (Object.keys(INOTIFY_WANTED) as InotifyKey[]).filter((key) => values[key] !== null && values[key]! < INOTIFY_WANTED[key]);
  const shown = (Object.keys(INOTIFY_WANTED) as InotifyKey[]).map((key) => `${key}=${values[key] ?? '?'}`).join(', ');
  if (low.length === 0) return ok(topic, shown);
  return warning(
    topic,
    `${shown} – zu niedrig; ab etwa vier kind-Clustern gleichzeitig scheitern Pods.`,
    `Anheben mit: ${low.map((key) => `sudo sysctl -w fs.inotify.${key}=${INOTIFY_WANTED[key]}`).join(' && ')} (dauerhaft in /etc/sysctl.d/).`,
  );
}

/** Under 3 GiB not even one node image fits; under 15 GiB a source build runs out. */
export function diskFinding(freeBytes: number | null, dir: string): Finding {
  const topic = 'Freier Speicherplatz';
  if (freeBytes === null) return warning(topic, `unbekannt für ${dir}.`);
  const text = `${gib(freeBytes)} frei in ${dir}`;
  if (freeBytes < 3 * GiB) return blocker(topic, text, 'Schaffe Platz (z. B. "docker image prune" für eigene alte Images) oder setze XDG_CACHE_HOME auf ein Laufwerk mit mehr Platz.');
  if (freeBytes < 15 * GiB) return warning(topic, `${text} – knapp, wenn Toolchain und Images noch gebaut werden müssen (etwa 12 GiB).`, 'Schaffe Platz, bevor du "./werkbank start" zum ersten Mal aufrufst.');
  return ok(topic, text);
}

/** One kind cluster with the lab add-ons takes about 1 GiB. */
export function memoryFinding(availableBytes: number): Finding {
  const topic = 'Freier Arbeitsspeicher';
  const text = `${gib(availableBytes)} verfügbar`;
  if (availableBytes < 1.5 * GiB) return blocker(topic, `${text} – zu wenig für einen kind-Cluster (etwa 1 GiB).`, 'Beende andere Programme oder Cluster ("kind get clusters").');
  if (availableBytes < 4 * GiB) return warning(topic, `${text} – genug für wenige Cluster gleichzeitig.`);
  return ok(topic, text);
}

export function readInotify(procDir = '/proc/sys/fs/inotify'): Record<InotifyKey, number | null> {
  const read = (key: InotifyKey) => {
    try {
      return Number(readFileSync(`${procDir}/${key}`, 'utf8').trim());
    } catch {
      return null;
    }
  };
  return { max_user_instances: read('max_user_instances'), max_user_watches: read('max_user_watches') };
}

export async function freeDiskBytes(dir: string): Promise<number | null> {
  try {
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

/** MemAvailable counts reclaimable page cache, which os.freemem() (MemFree) does not. */
export function availableMemoryBytes(meminfo = '/proc/meminfo'): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync(meminfo, 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return freemem();
}
