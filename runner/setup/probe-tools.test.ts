import { describe, expect, it } from 'vitest';
import type { ToolResolution } from '../../docker/toolchain/resolve.ts';
import { goFinding, learnerToolFinding, nodeFinding, nodeImageFinding } from './probe-tools.ts';

const wrongKubectl = { path: '/usr/bin/kubectl', source: 'path' as const, version: 'v1.32.4', rejected: 'kubectl v1.32.4 ist mehr als eine Minor-Version von Kubernetes 1.34.12 entfernt' };

describe('tool probes', () => {
  it('names the chosen tool’s version and source, and the wrong one passed over with its reason', () => {
    const resolution: ToolResolution = {
      tool: 'kubectl',
      chosen: { path: '/home/a/bin/kubectl', source: 'path', version: 'v1.34.2' },
      rejected: [wrongKubectl],
      provide: 'source',
      noDownloadReason: null,
    };
    const finding = learnerToolFinding(resolution, true);
    expect(finding.status).toBe('ok');
    expect(finding.detail).toBe(`v1.34.2 aus PATH (/home/a/bin/kubectl) – nicht genommen: ${wrongKubectl.rejected}`);
  });

  it('says how a missing tool will come: download, source build, or blocked without Go', () => {
    const missing = (provide: 'download' | 'source'): ToolResolution => ({
      tool: 'helm', chosen: null, rejected: [], provide, noDownloadReason: provide === 'source' ? 'WERKBANK_OFFLINE=1 ist gesetzt' : null,
    });
    expect(learnerToolFinding(missing('download'), false)).toMatchObject({ status: 'warnung', detail: expect.stringMatching(/heruntergeladen und per SHA-256 geprüft/) });
    expect(learnerToolFinding(missing('source'), true)).toMatchObject({ status: 'warnung', detail: expect.stringMatching(/aus Go-Quellen gebaut \(kein Download: WERKBANK_OFFLINE=1/) });
    expect(learnerToolFinding(missing('source'), false).status).toBe('blockiert');
  });

  it('reads Go’s version and says whether it is needed at all', () => {
    const result = (stdout: string, ok = true) => ({ ok, missing: !ok, stdout, stderr: '' });
    expect(goFinding(result('go1.26.8\n'), true)).toMatchObject({ usable: true, finding: { status: 'ok', detail: expect.stringMatching(/^1\.26\.8/) } });
    expect(goFinding(result('go1.22.1\n'), true)).toMatchObject({ usable: false, finding: { status: 'warnung', detail: expect.stringMatching(/zu alt/) } });
    expect(goFinding(result('', false), false)).toMatchObject({ usable: false, finding: { status: 'ok', detail: expect.stringMatching(/nicht gebraucht/) } });
  });

  it('says where the node image comes from: pulled by its digest, the local build, or what start will do', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    // kind publishes 1.34.11 for the pinned 1.34.12: the pulled image is named by its own version.
    const probe = { kubernetes: '1.34.12', upstreamTag: 'kindest/node:v1.34.11', digest, offline: false, wrapperInUse: false, pulled: false, built: false };
    expect(nodeImageFinding({ ...probe, pulled: true })).toMatchObject({ status: 'ok', detail: 'kindest/node:v1.34.11 vorhanden (gezogen, sha256:abababababab…)' });
    expect(nodeImageFinding({ ...probe, built: true })).toMatchObject({ status: 'ok', detail: 'werkbank/kind-node:v1.34.12 vorhanden (lokal gebaut)' });
    expect(nodeImageFinding(probe).detail).toBe('fehlt – wird beim Start als kindest/node:v1.34.11 (sha256:abababababab…) gezogen (Docker Hub oder Spiegel der Engine), sonst lokal gebaut.');
    expect(nodeImageFinding({ ...probe, offline: true }).detail).toBe('werkbank/kind-node:v1.34.12 fehlt – wird beim Start lokal gebaut (WERKBANK_OFFLINE=1).');
    expect(nodeImageFinding({ ...probe, digest: null }).detail).toMatch(/lokal gebaut \(kein Digest für kindest\/node festgelegt/);
    expect(nodeImageFinding({ ...probe, wrapperInUse: true }).detail).toMatch(/lokal gebaut \(kindest\/node läuft hier nicht: dem Rechner fehlt CAP_SYS_RESOURCE/);
    expect(nodeImageFinding({ ...probe, pulled: null, built: null }).detail).toBe('nicht geprüft (keine Docker-Engine).');
  });

  it('checks Node against the minimum', () => {
    expect(nodeFinding('v24.21.0', '22.12.0').status).toBe('ok');
    expect(nodeFinding('v20.11.0', '22.12.0').status).toBe('warnung');
  });
});
