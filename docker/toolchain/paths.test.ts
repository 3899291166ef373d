import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binaries, cacheDir, parseEnvFile, toolchain, upstreamNodeImage } from './paths.ts';

const pins = `
# comment
NODE_VERSION=24.21.0
KUBERNETES_VERSION=1.34.12
KUBERNETES_GIT_COMMIT=
ETCD_VERSION=3.6.16
KIND_VERSION="0.33.0"
HELM_VERSION=3.22.0
KWOK_VERSION=0.8.0
METRICS_SERVER_VERSION=0.8.0
DISTRIBUTION_VERSION=3.1.2
FLUX_SOURCE_CONTROLLER_VERSION=1.9.0
FLUX_KUSTOMIZE_CONTROLLER_VERSION=1.9.6
`;

describe('toolchain paths', () => {
  it('puts each binary under <unit>-<version> in the cache that ./werkbank uses', () => {
    const tools = toolchain({ env: { WERKBANK_CACHE: '/c' }, versionsEnv: pins });
    expect(tools.kubectl).toBe('/c/toolchain/kubernetes-1.34.12/kubectl');
    expect(tools['kube-apiserver']).toBe('/c/toolchain/kubernetes-1.34.12/kube-apiserver');
    expect(tools.etcdctl).toBe('/c/toolchain/etcd-3.6.16/etcdctl');
    expect(tools.kind).toBe('/c/toolchain/kind-0.33.0/kind');
    expect(tools['metrics-server']).toBe('/c/toolchain/metrics-server-0.8.0/metrics-server');
    expect(tools.versions.kubernetes).toBe('1.34.12');
    expect(tools['source-controller']).toBe('/c/toolchain/flux-source-1.9.0/source-controller');
  });

  it('chooses the cache directory like build.sh: WERKBANK_CACHE, then XDG_CACHE_HOME', () => {
    expect(cacheDir({ WERKBANK_CACHE: '/w', XDG_CACHE_HOME: '/x' })).toBe('/w');
    expect(cacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/werkbank');
    expect(cacheDir({ XDG_CACHE_HOME: '' })).toMatch(/\.cache\/werkbank$/);
  });

  it('names the missing pin instead of building a path with "undefined" in it', () => {
    expect(() => toolchain({ env: {}, versionsEnv: 'KUBERNETES_VERSION=v1.34' })).toThrow(/ETCD_VERSION/);
    expect(() => toolchain({ env: {}, versionsEnv: 'not a line' })).toThrow(/nicht verstanden/);
  });

  it('names kind’s own node image by the Kubernetes version kind publishes, not ours, with the pinned digest', () => {
    const digest = `sha256:${'4e'.repeat(32)}`;
    const env = `${pins}KIND_NODE_VERSION=1.34.11\nKIND_NODE_DIGEST=${digest}\n`;
    expect(upstreamNodeImage({ env: {}, versionsEnv: env })).toEqual({ version: '1.34.11', tag: 'kindest/node:v1.34.11', digest });
    const other = `sha256:${'0'.repeat(64)}`;
    expect(upstreamNodeImage({ env: { WERKBANK_KIND_NODE_DIGEST: other }, versionsEnv: env }).digest).toBe(other);
    expect(upstreamNodeImage({ env: {}, versionsEnv: `${pins}KIND_NODE_VERSION=1.34.11\nKIND_NODE_DIGEST=unbekannt\n` }).digest).toBeNull();
    expect(() => upstreamNodeImage({ env: {}, versionsEnv: pins })).toThrow(/KIND_NODE_VERSION/);
    // The repo pins one, so `./werkbank start` tries the pull before the local build.
    expect(upstreamNodeImage({ env: {} }).digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('parses the repo’s own versions.env', () => {
    expect(parseEnvFile(readFileSync(join(import.meta.dirname, '..', 'versions.env'), 'utf8'))).toHaveProperty(
      'KUBERNETES_VERSION',
    );
    expect(() => toolchain()).not.toThrow();
  });

  it('knows exactly the binaries that build.sh builds, from the same units', () => {
    const script = readFileSync(join(import.meta.dirname, 'build.sh'), 'utf8');
    const table = /^TOOLS=\(\n([\s\S]*?)\n\)/m.exec(script)?.[1] ?? '';
    const built = Object.fromEntries(
      table.split('\n').map((line) => {
        const [binary, unit] = line.replaceAll('"', '').trim().split(/\s+/);
        return [binary, unit];
      }),
    );
    expect(built).toEqual(binaries);
  });
});
