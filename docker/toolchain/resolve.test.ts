import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toolchain } from './paths.ts';
import { releasePath } from './releases.ts';
import { resolveLearnerTools, resolveTool } from './resolve.ts';

const root = mkdtempSync(join(tmpdir(), 'werkbank-resolve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A directory with shell scripts named kind, kubectl and helm that answer like the real
 * ones would in the given versions. */
function fakeTools(name: string, versions: { kind: string; kubectl: string; helm: string }): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const script = (body: string) => `#!/bin/sh\n${body}\n`;
  const write = (tool: string, body: string) => {
    writeFileSync(join(dir, tool), script(body));
    chmodSync(join(dir, tool), 0o755);
  };
  write('kind', `echo "kind ${versions.kind} go1.25.0 linux/amd64"`);
  write('kubectl', `echo '{"clientVersion":{"gitVersion":"${versions.kubectl}"}}'`);
  write('helm', `echo "${versions.helm}+g0000000"`);
  return dir;
}

const good = fakeTools('good', { kind: 'v0.33.1', kubectl: 'v1.35.2', helm: 'v3.19.0' });
const wrong = fakeTools('wrong', { kind: 'v0.27.0', kubectl: 'v1.31.0', helm: 'v4.0.0' });
const emptyCache = join(root, 'empty-cache');

describe('which kind, kubectl and helm Werkbank uses', () => {
  it('takes the user’s own tools from PATH when their versions fit', () => {
    const tools = resolveLearnerTools({ env: { PATH: `${good}:/usr/bin:/bin`, WERKBANK_CACHE: emptyCache } });
    for (const tool of ['kind', 'kubectl', 'helm'] as const) {
      expect(tools[tool].chosen).toMatchObject({ path: join(good, tool), source: 'path' });
    }
    expect(tools.kubectl.chosen?.version).toBe('v1.35.2');
  });

  it('passes over tools of a wrong version, first on PATH, and says why in German', () => {
    const tools = resolveLearnerTools({ env: { PATH: `${wrong}:${good}`, WERKBANK_CACHE: emptyCache } });
    expect(tools.kind.chosen?.path).toBe(join(good, 'kind'));
    expect(tools.kind.rejected).toEqual([
      expect.objectContaining({ path: join(wrong, 'kind'), rejected: expect.stringMatching(/kind v0\.27\.0 passt nicht/) }),
    ]);
    expect(tools.kubectl.chosen?.path).toBe(join(good, 'kubectl'));
    expect(tools.kubectl.rejected[0]?.rejected).toMatch(/mehr als eine Minor-Version/);
    expect(tools.helm.chosen?.path).toBe(join(good, 'helm'));
    expect(tools.helm.rejected[0]?.rejected).toMatch(/kein Helm 3/);
  });

  it('falls back to the source build when PATH only has wrong versions, and to nothing when that is missing too', () => {
    const cache = join(root, 'built-cache');
    const built = toolchain({ env: { WERKBANK_CACHE: cache } }).kind;
    mkdirSync(join(built, '..'), { recursive: true });
    writeFileSync(built, '#!/bin/sh\n', { mode: 0o755 });
    expect(resolveTool('kind', { env: { PATH: wrong, WERKBANK_CACHE: cache } }).chosen).toMatchObject({ path: built, source: 'source' });
    const none = resolveTool('kind', { env: { PATH: wrong, WERKBANK_CACHE: emptyCache } });
    expect(none.chosen).toBeNull();
    // versions.env pins kind's published sum: start downloads it before building it.
    expect(none).toMatchObject({ provide: 'download', noDownloadReason: null });
    const unpinned = readFileSync(join(import.meta.dirname, '..', 'versions.env'), 'utf8').replace(/^KIND_RELEASE_SHA256=.*$/m, 'KIND_RELEASE_SHA256=unbekannt');
    expect(resolveTool('kind', { env: { PATH: wrong, WERKBANK_CACHE: emptyCache }, versionsEnv: unpinned })).toMatchObject({
      provide: 'source',
      noDownloadReason: 'docker/versions.env hat noch keine Prüfsumme für kind',
    });
  });

  it('prefers a verified download over the source build', () => {
    const cache = join(root, 'download-cache');
    const tools = toolchain({ env: { WERKBANK_CACHE: cache } });
    for (const path of [tools.kind, releasePath('kind', tools)]) {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, '#!/bin/sh\necho "kind v0.33.0 go1.25.0 linux/amd64"\n', { mode: 0o755 });
    }
    expect(resolveTool('kind', { env: { PATH: '', WERKBANK_CACHE: cache } }).chosen).toMatchObject({ source: 'download' });
  });

  it('uses only the source build with WERKBANK_OFFLINE=1, whatever PATH offers', () => {
    const resolution = resolveTool('helm', { env: { PATH: good, WERKBANK_CACHE: emptyCache, WERKBANK_OFFLINE: '1' } });
    expect(resolution.chosen).toBeNull();
    expect(resolution.noDownloadReason).toMatch(/WERKBANK_OFFLINE=1/);
  });
});
