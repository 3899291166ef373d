// What this runner can offer right now, for /api/health and the page: the page tells
// the learner in German when Docker or kind is missing instead of failing later.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { runProcess } from './process.ts';

export interface Capability {
  available: boolean;
  detail: string;
}

export interface Capabilities {
  terminal: Capability;
  docker: Capability;
  kind: Capability;
}

async function findExecutable(name: string, extraDirs: string[]): Promise<string | null> {
  for (const dir of [...extraDirs, ...(process.env.PATH ?? '').split(delimiter)]) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

async function probeDocker(): Promise<Capability> {
  const notRunning = 'Docker läuft nicht. Starte den Docker-Dienst (dockerd) und lade die Seite neu.';
  try {
    const result = await runProcess('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 5000 });
    if (result.code !== 0) return { available: false, detail: notRunning };
    return { available: true, detail: `Docker ${result.stdout.trim()}` };
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { available: false, detail: missing ? 'Docker ist nicht installiert.' : notRunning };
  }
}

export function capabilityProbe(toolDirs: string[], ttlMs = 15_000): () => Promise<Capabilities> {
  let cached: { at: number; value: Promise<Capabilities> } | null = null;
  return () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.value;
    const value = (async (): Promise<Capabilities> => {
      const [docker, kind] = await Promise.all([probeDocker(), findExecutable('kind', toolDirs)]);
      return {
        terminal: { available: true, detail: 'bash' },
        docker,
        kind: kind
          ? { available: true, detail: kind }
          : { available: false, detail: 'kind fehlt. "./werkbank toolchain" baut es.' },
      };
    })();
    cached = { at: Date.now(), value };
    return value;
  };
}
