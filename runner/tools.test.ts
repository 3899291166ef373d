import { chmodSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { linkLearnerTools } from './tools.ts';

const root = mkdtempSync(join(tmpdir(), 'werkbank-tools-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('gives the learner’s shell the user’s own kubectl from PATH when it fits the cluster', async () => {
  const userBin = join(root, 'user-bin');
  mkdirSync(userBin);
  writeFileSync(join(userBin, 'kubectl'), `#!/bin/sh\necho '{"clientVersion":{"gitVersion":"v1.34.3"}}'\n`);
  chmodSync(join(userBin, 'kubectl'), 0o755);
  const saved = { PATH: process.env.PATH, WERKBANK_CACHE: process.env.WERKBANK_CACHE, WERKBANK_OFFLINE: process.env.WERKBANK_OFFLINE };
  process.env.PATH = `${userBin}:${process.env.PATH}`;
  process.env.WERKBANK_CACHE = join(root, 'cache');
  delete process.env.WERKBANK_OFFLINE;
  try {
    const binDir = await linkLearnerTools(join(root, 'data'));
    expect(readlinkSync(join(binDir, 'kubectl'))).toBe(join(userBin, 'kubectl'));
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
});

it('links the tools again while another run links them (start and the preparation’s end at once)', async () => {
  const dataDir = join(root, 'data-twice');
  const runs = await Promise.all(Array.from({ length: 4 }, () => linkLearnerTools(dataDir)));
  expect(new Set(runs)).toEqual(new Set([join(dataDir, 'bin')]));
});
