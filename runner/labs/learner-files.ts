// Every lab gets a working directory in the learner's home, `~/<lab id>/`, with the files
// the lab hands out. A file already there is the learner's (maybe edited): never replaced.
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { LoadedLab } from './load.ts';

export function labWorkDir(home: string, labId: string): string {
  return join(home, labId);
}

export async function prepareLabFiles(home: string, labs: readonly LoadedLab[]): Promise<void> {
  for (const { lab, dir } of labs) {
    const workDir = labWorkDir(home, lab.id);
    await mkdir(workDir, { recursive: true });
    for (const file of lab.files ?? []) {
      const target = join(workDir, basename(file));
      if (!existsSync(target)) await copyFile(join(dir, file), target);
    }
  }
}
