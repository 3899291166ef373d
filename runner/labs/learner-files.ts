// Every lab gets a working directory in the learner's home, `~/<lab id>/`, with the files
// the lab hands out. A file already there is the learner's (maybe edited): never replaced.
import { constants } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { LoadedLab } from './load.ts';

export function labWorkDir(home: string, labId: string): string {
  return join(home, labId);
}

/** Copies unless the target exists, in one step (no gap between looking and writing). */
async function copyIfAbsent(source: string, target: string): Promise<void> {
  try {
    await copyFile(source, target, constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

export async function prepareLabFiles(home: string, labs: readonly LoadedLab[]): Promise<void> {
  // All at once: the learner's first prompt waits for this, and one file system call
  // after another adds up to tens of milliseconds.
  await Promise.all(
    labs.map(async ({ lab, dir }) => {
      const workDir = labWorkDir(home, lab.id);
      await mkdir(workDir, { recursive: true });
      await Promise.all((lab.files ?? []).map((file) => copyIfAbsent(join(dir, file), join(workDir, basename(file)))));
    }),
  );
}
