// Which runner made a cluster or sandbox: a random id kept in `<stateDir>/owner`, made on
// first use. Two runners on one machine (or a test run beside a course) tell their
// clusters apart by it, so neither deletes the other's as orphans.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function ownerFilePath(stateDir: string): string {
  return join(stateDir, 'owner');
}

/** The runner's id, made now if this data dir has none; two callers at once agree on one. */
export async function ensureOwnerId(stateDir: string): Promise<string> {
  const path = ownerFilePath(stateDir);
  if (!existsSync(path)) {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await writeFile(path, `${randomBytes(8).toString('hex')}\n`, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  return (await readFile(path, 'utf8')).trim();
}
