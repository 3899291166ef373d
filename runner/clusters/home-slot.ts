// A learner's home lives on the host, under the data dir, and survives every sandbox.
// A sandbox mounts a directory of its own (its slot) as /root, made before anyone owns
// the sandbox (the warm pool). Handing a sandbox to a learner moves the entries of
// their home into the slot and leaves a symlink where the home was, so the runner keeps
// writing to the same path; giving it back renames the slot to the home again. Every
// move is a rename on one file system: nothing is copied, and a crash in between leaves
// each entry either here or there, which the next call finishes.
import { lstat, mkdir, readdir, readlink, rename, rmdir, symlink, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

async function kindOf(path: string): Promise<'missing' | 'symlink' | 'directory' | 'other'> {
  try {
    const stat = await lstat(path);
    if (stat.isSymbolicLink()) return 'symlink';
    return stat.isDirectory() ? 'directory' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/** Moves every entry of `from` into `to` that `to` does not have yet; returns what stayed. */
async function moveEntries(from: string, to: string): Promise<string[]> {
  const stayed: string[] = [];
  for (const entry of await readdir(from)) {
    if ((await kindOf(join(to, entry))) !== 'missing') {
      stayed.push(entry);
      continue;
    }
    await rename(join(from, entry), join(to, entry));
  }
  return stayed;
}

/** The learner's home becomes the slot's content; `home` becomes a symlink to `slot`. */
export async function moveHomeIntoSlot(home: string, slot: string): Promise<void> {
  await mkdir(slot, { recursive: true, mode: 0o700 });
  const kind = await kindOf(home);
  if (kind === 'symlink') {
    const target = await readlink(home);
    if (target === slot) return;
    await moveHomeBack(home, target); // left behind by a sandbox that is gone
    return moveHomeIntoSlot(home, slot);
  }
  if (kind === 'directory') {
    const stayed = await moveEntries(home, slot);
    // An entry both places have cannot come from a learner (a fresh slot is empty);
    // it is kept beside the home rather than overwritten.
    for (const entry of stayed) await rename(join(home, entry), `${join(dirname(home), entry)}.${Date.now()}.bewahrt`);
    await rmdir(home);
  } else if (kind === 'other') {
    throw new Error(`${home} ist weder Verzeichnis noch Link; das Home bleibt unangetastet.`);
  } else {
    await mkdir(dirname(home), { recursive: true, mode: 0o700 });
  }
  await symlink(slot, home);
}

/** The slot's content becomes the learner's home again. */
export async function moveHomeBack(home: string, slot: string): Promise<void> {
  const kind = await kindOf(home);
  if (kind === 'symlink') {
    if ((await readlink(home)) !== slot) return; // another slot holds it now
    await unlink(home);
  }
  if ((await kindOf(slot)) !== 'directory') {
    if ((await kindOf(home)) === 'missing') await mkdir(home, { recursive: true, mode: 0o700 });
    return;
  }
  if ((await kindOf(home)) === 'missing') {
    await rename(slot, home);
    return;
  }
  // A half-finished move: the home is a directory again; bring the rest over.
  await moveEntries(slot, home);
}
