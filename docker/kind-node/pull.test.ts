// docker/kind-node/pull.sh's decisions, against a stand-in `docker` that answers as an
// engine would and writes down what it was asked: kind's own node image lacks Werkbank's
// help for hosts without CAP_SYS_RESOURCE, so on an engine that needs the runc wrapper it
// must not become the runner's node image. (The pull itself, through a real engine and
// registry, is pull.kind.test.ts.)
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../runner/process.ts';
import { upstreamNodeImage } from '../toolchain/paths.ts';

const root = mkdtempSync(join(tmpdir(), 'werkbank-pull-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PULL = join(import.meta.dirname, 'pull.sh');
const { tag, digest } = upstreamNodeImage({ env: {} });

// FAKE_RUNTIME: the engine's default runtime; FAKE_FITS: exit code of the check run
// inside the image (0: it has select-runc). Pulls succeed; nothing is present before.
writeFileSync(
  join(root, 'docker'),
  `#!/bin/bash
echo "$*" >>"$FAKE_LOG"
case "$1" in
  info) echo "$FAKE_RUNTIME" ;;
  image) [[ "$2" == inspect ]] && exit 1; exit 0 ;;
  run) exit "$FAKE_FITS" ;;
esac
exit 0
`,
);
chmodSync(join(root, 'docker'), 0o755);

async function pull(runtime: string, fits: boolean) {
  const log = join(root, `calls-${runtime}-${fits}`);
  writeFileSync(log, '');
  const result = await runProcess('bash', [PULL], {
    env: { ...process.env, PATH: `${root}:${process.env.PATH}`, WERKBANK_CACHE: root, WERKBANK_OFFLINE: '', FAKE_LOG: log, FAKE_RUNTIME: runtime, FAKE_FITS: fits ? '0' : '1' },
  });
  return { code: result.code, stderr: result.stderr, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('the node image pull', () => {
  it('keeps kind’s image from clusters on an engine that needs the runc wrapper, and says why in German', async () => {
    const { code, stderr, calls } = await pull('werkbank-runc', false);
    expect(code).toBe(1);
    expect(stderr).toContain(`${tag}: passt nicht zu dieser Docker-Engine (dem Rechner fehlt CAP_SYS_RESOURCE`);
    expect(stderr).toContain('das Node-Image wird lokal gebaut');
    expect(calls).toContain(`pull --quiet kindest/node@${digest}`);
    expect(calls.some((call) => call.startsWith('tag '))).toBe(false);
    expect(calls).toContain(`image rm ${tag}`); // no old tag left for the runner to take
  });

  it('takes an image that brings the help (Werkbank’s own under that digest) on such an engine, and any image elsewhere', async () => {
    const wrapped = await pull('werkbank-runc', true);
    expect(wrapped.code).toBe(0);
    expect(wrapped.calls).toContain(`tag kindest/node@${digest} ${tag}`);

    const plain = await pull('runc', false);
    expect(plain.code).toBe(0);
    expect(plain.calls.some((call) => call.startsWith('run '))).toBe(false);
    expect(plain.calls).toContain(`tag kindest/node@${digest} ${tag}`);
    expect(plain.stderr).toContain(`${tag}: geladen`);
  });
});
