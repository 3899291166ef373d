// A learner's home moves into a sandbox's slot and back by renames only; whatever state a
// crash leaves in between, the next move finishes it and nothing of the learner's is lost.
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { moveHomeBack, moveHomeIntoSlot } from './home-slot.ts';

let root: string;
let home: string;
let slot: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'werkbank-home-slot-'));
  home = join(root, 'learners', 'x', 'home');
  slot = join(root, 'clusters', 'sandbox', 'werkbank-1', 'home');
  await mkdir(join(home, 'projekt'), { recursive: true });
  await writeFile(join(home, '.bashrc'), 'alias k=kubectl\n');
  await writeFile(join(home, 'projekt', 'notiz.txt'), 'meine Notiz\n');
});

afterEach(() => rm(root, { recursive: true, force: true }));

test('into the slot and back: the same files, the home a symlink while the sandbox has it', async () => {
  await moveHomeIntoSlot(home, slot);
  expect((await lstat(home)).isSymbolicLink()).toBe(true);
  expect(await readlink(home)).toBe(slot);
  expect(await readFile(join(slot, 'projekt', 'notiz.txt'), 'utf8')).toBe('meine Notiz\n');
  await writeFile(join(slot, 'neu-in-der-sandbox.txt'), 'neu\n');
  await moveHomeIntoSlot(home, slot); // again: nothing changes
  await moveHomeBack(home, slot);
  expect((await lstat(home)).isDirectory()).toBe(true);
  expect((await readdir(home)).sort()).toEqual(['.bashrc', 'neu-in-der-sandbox.txt', 'projekt']);
  await expect(lstat(slot)).rejects.toThrow(/ENOENT/);
});

test('a home still in an old slot (its sandbox is gone) comes back before it moves into the new one', async () => {
  const oldSlot = join(root, 'clusters', 'sandbox', 'werkbank-alt', 'home');
  await moveHomeIntoSlot(home, oldSlot);
  await moveHomeIntoSlot(home, slot);
  expect(await readlink(home)).toBe(slot);
  expect(await readFile(join(slot, '.bashrc'), 'utf8')).toBe('alias k=kubectl\n');
  await expect(lstat(oldSlot)).rejects.toThrow(/ENOENT/);
});

test('a crash half-way in: some entries moved, the home still a directory; both ways finish it', async () => {
  await mkdir(slot, { recursive: true });
  await rm(join(home, 'projekt'), { recursive: true });
  await mkdir(join(slot, 'projekt'));
  await writeFile(join(slot, 'projekt', 'notiz.txt'), 'meine Notiz\n');
  await moveHomeBack(home, slot);
  expect((await readdir(home)).sort()).toEqual(['.bashrc', 'projekt']);
  await mkdir(slot, { recursive: true });
  await moveHomeIntoSlot(home, slot);
  expect((await readdir(slot)).sort()).toEqual(['.bashrc', 'projekt']);
});

test('a crash after the home was emptied but before the symlink: the slot becomes the home again', async () => {
  await moveHomeIntoSlot(home, slot);
  await rm(home); // the symlink, as if never made
  await moveHomeBack(home, slot);
  expect(await readFile(join(home, 'projekt', 'notiz.txt'), 'utf8')).toBe('meine Notiz\n');
});

test('a learner without a home yet gets an empty one in the slot', async () => {
  const fresh = join(root, 'learners', 'neu', 'home');
  await moveHomeIntoSlot(fresh, slot);
  expect(await readlink(fresh)).toBe(slot);
  await moveHomeBack(fresh, slot);
  expect(await readdir(fresh)).toEqual([]);
});
