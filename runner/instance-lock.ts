// One runner per data dir: two would work on the same homes, progress store and cluster
// state at once. The lock is a Linux abstract unix socket named after the data dir, held
// open by the runner; the kernel drops it with the process, so even `kill -9` leaves no
// stale lock behind. A second runner that finds it taken asks the holder who it is.
import { createHash } from 'node:crypto';
import { createConnection, createServer, type Server } from 'node:net';
import { resolve } from 'node:path';

export interface RunningInstance {
  pid: number;
  url: string | null;
  dataDir: string;
}

export interface InstanceLock {
  /** Tells a later runner where this one serves. */
  setUrl(url: string): void;
  release(): Promise<void>;
}

/** Refused: another runner holds the data dir. */
export class DataDirInUse extends Error {
  readonly holder: RunningInstance | null;
  constructor(dataDir: string, holder: RunningInstance | null) {
    const who = holder
      ? `Werkbank (PID ${holder.pid}${holder.url ? `, ${holder.url}/` : ', startet gerade'})`
      : 'eine andere Werkbank';
    super(
      `Auf dem Datenverzeichnis ${dataDir} läuft schon ${who}. ` +
        'Zwei Runner auf denselben Daten würden sich gegenseitig die Homes, den Fortschritt und die Cluster verändern. ' +
        'Den laufenden Runner benutzen oder beenden, oder mit WERKBANK_DATA=… ein anderes Datenverzeichnis wählen.',
    );
    this.holder = holder;
  }
}

export function lockSocketName(dataDir: string): string {
  const hash = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 32);
  return `\0werkbank-${hash}`;
}

function askHolder(name: string, dataDir: string): Promise<RunningInstance | null> {
  return new Promise((done) => {
    const socket = createConnection(name);
    let answer = '';
    const give = (holder: RunningInstance | null) => {
      socket.destroy();
      done(holder);
    };
    socket.setTimeout(2000, () => give(null));
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('end', () => {
      try {
        const parsed = JSON.parse(answer) as { pid: number; url: string | null };
        give({ pid: parsed.pid, url: parsed.url, dataDir });
      } catch {
        give(null);
      }
    });
    socket.on('error', () => give(null));
  });
}

/** Takes the data dir's lock, or rejects with DataDirInUse naming the runner holding it. */
export async function acquireInstanceLock(dataDir: string): Promise<InstanceLock> {
  const name = lockSocketName(dataDir);
  let url: string | null = null;
  const server: Server = createServer((socket) => socket.end(JSON.stringify({ pid: process.pid, url })));
  try {
    await new Promise<void>((listening, failed) => {
      server.once('error', failed);
      server.listen(name, () => listening());
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new DataDirInUse(resolve(dataDir), await askHolder(name, resolve(dataDir)));
  }
  // The lock must never keep a runner alive that is otherwise done.
  server.unref();
  return {
    setUrl(served) {
      url = served;
    },
    release: () => new Promise((closed) => server.close(() => closed())),
  };
}
