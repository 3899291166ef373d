import { describe, expect, it } from 'vitest';
import { parseToolVersion, versionMismatch } from './tool-version.ts';

const pins = { kind: '0.33.0', kubernetes: '1.34.12' };
const kubectlJson = (gitVersion: string) => JSON.stringify({ clientVersion: { gitVersion, major: '1' }, kustomizeVersion: 'v5.7.1' });

describe('tool versions', () => {
  it('reads the version each tool prints', () => {
    expect(parseToolVersion('kind', 'kind v0.33.0 go1.26.8 linux/amd64\n')).toMatchObject({ major: 0, minor: 33, patch: 0 });
    expect(parseToolVersion('helm', 'v3.22.0+g1a2b3c4\n')).toMatchObject({ major: 3, minor: 22, text: 'v3.22.0+g1a2b3c4' });
    expect(parseToolVersion('kubectl', kubectlJson('v1.32.4-dispatcher'))).toMatchObject({ major: 1, minor: 32, patch: 4 });
  });

  it('returns null for output it does not recognise instead of guessing', () => {
    expect(parseToolVersion('kind', 'command not found')).toBeNull();
    expect(parseToolVersion('kubectl', 'Client Version: v1.34.0')).toBeNull();
    expect(parseToolVersion('helm', '')).toBeNull();
  });

  it('takes kind of the pinned minor only, kubectl within one minor of the cluster, any Helm 3', () => {
    const v = (tool: 'kind' | 'kubectl' | 'helm', out: string) => versionMismatch(tool, parseToolVersion(tool, out)!, pins);
    expect(v('kind', 'kind v0.33.7 go1.25 linux/amd64')).toBeNull();
    expect(v('kind', 'kind v0.30.0 go1.25 linux/amd64')).toMatch(/Werkbank braucht kind 0\.33\.x/);
    expect(v('kubectl', kubectlJson('v1.33.1'))).toBeNull();
    expect(v('kubectl', kubectlJson('v1.35.0'))).toBeNull();
    expect(v('kubectl', kubectlJson('v1.32.4'))).toMatch(/mehr als eine Minor-Version von Kubernetes 1\.34\.12/);
    expect(v('kubectl', kubectlJson('v1.36.0'))).toMatch(/passend: 1\.33 bis 1\.35/);
    expect(v('helm', 'v3.12.0')).toBeNull();
    expect(v('helm', 'v4.0.1')).toMatch(/kein Helm 3/);
  });
});
