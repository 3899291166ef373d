import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadClusterConfig } from './config.ts';
import { createProvider } from './index.ts';

const root = mkdtempSync(join(tmpdir(), 'werkbank-provider-kind-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('runs the user’s own kind from PATH for learner clusters when its version fits', async () => {
  const userBin = join(root, 'bin');
  const calls = join(root, 'calls');
  mkdirSync(userBin);
  // Answers `kind version` like kind 0.33.x and records every other call.
  writeFileSync(
    join(userBin, 'kind'),
    `#!/bin/sh\nif [ "$1" = version ]; then echo "kind v0.33.4 go1.25.0 linux/amd64"; exit 0; fi\necho "$@" >> ${calls}\n`,
  );
  chmodSync(join(userBin, 'kind'), 0o755);
  const saved = { PATH: process.env.PATH, WERKBANK_OFFLINE: process.env.WERKBANK_OFFLINE };
  process.env.PATH = `${userBin}:${process.env.PATH}`;
  delete process.env.WERKBANK_OFFLINE;
  try {
    const provider = createProvider(loadClusterConfig({ WERKBANK_CLUSTER_PROVIDER: 'kind' }), join(root, 'data'));
    await provider!.delete('werkbank-h16-never-created');
    expect(readFileSync(calls, 'utf8')).toMatch(/^delete cluster --name werkbank-h16-never-created/);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
});
