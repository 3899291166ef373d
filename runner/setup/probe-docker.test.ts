import { describe, expect, it } from 'vitest';
import type { CommandResult } from './command.ts';
import { cgroupFinding, interpretDockerInfo, interpretPrivilegedRun } from './probe-docker.ts';

const result = (partial: Partial<CommandResult>): CommandResult => ({ ok: true, missing: false, stdout: '', stderr: '', ...partial });
// What `docker info --format '{{json .}}'` prints, shortened to the fields read.
const running = JSON.stringify({ ServerVersion: '20.10.24+dfsg1', CgroupVersion: '1', DefaultRuntime: 'werkbank-runc', NCPU: 2 });
// A client whose engine does not answer still prints its JSON, with empty server fields, and exits 1.
const unreachable = result({
  ok: false,
  stdout: JSON.stringify({ ServerVersion: '', CgroupVersion: '', DefaultRuntime: '' }),
  stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
});

describe('Docker engine probe', () => {
  it('reads version, cgroup version and whether the runc wrapper is the default runtime', () => {
    expect(interpretDockerInfo(result({ stdout: running }), undefined)).toEqual({ version: '20.10.24+dfsg1', cgroupVersion: '1', wrapperInUse: true });
    const plain = JSON.stringify({ ServerVersion: '28.2.2', CgroupVersion: '2', DefaultRuntime: 'runc' });
    expect(interpretDockerInfo(result({ stdout: plain }), undefined)).toMatchObject({ cgroupVersion: '2', wrapperInUse: false });
  });

  it('blocks with a German next step when the engine does not answer, naming DOCKER_HOST', () => {
    const finding = interpretDockerInfo(unreachable, 'tcp://10.0.0.9:2375');
    expect(finding).toMatchObject({ status: 'blockiert', detail: 'Die Docker-Engine antwortet nicht unter tcp://10.0.0.9:2375 (DOCKER_HOST).' });
    expect(finding).toHaveProperty('hint', expect.stringMatching(/Starte Docker/));
  });

  it('tells a user without access to the socket to join the docker group', () => {
    const denied = result({ ok: false, stderr: 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock' });
    expect(interpretDockerInfo(denied, undefined)).toMatchObject({ status: 'blockiert', hint: expect.stringMatching(/usermod -aG docker/) });
  });

  it('says Docker is not installed when the docker command is missing', () => {
    expect(interpretDockerInfo(result({ ok: false, missing: true }), undefined)).toMatchObject({ detail: 'Docker ist nicht installiert.' });
  });

  it('judges privileged containers by the probe run, mentioning the wrapper', () => {
    expect(interpretPrivilegedRun(true, result({}), true)).toMatchObject({ status: 'ok', detail: expect.stringMatching(/möglich \(mit dem runc-Wrapper/) });
    expect(interpretPrivilegedRun(true, result({}), false)).toMatchObject({ status: 'ok', detail: 'möglich (ohne runc-Wrapper)' });
    const refused = result({ ok: false, stderr: 'docker: Error response from daemon: failed to create shim task: setrlimit: operation not permitted.' });
    expect(interpretPrivilegedRun(true, refused, false)).toMatchObject({ status: 'blockiert', detail: expect.stringMatching(/scheitern: .*setrlimit/) });
    expect(interpretPrivilegedRun(false, null, false)).toMatchObject({ status: 'warnung', detail: expect.stringMatching(/nicht geprüft/) });
  });

  it('accepts cgroup v1 for the pinned Kubernetes but notes that 1.35 needs v2', () => {
    expect(cgroupFinding('1', '1.34.12')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/ab 1\.35 braucht Kubernetes cgroup v2/) });
    expect(cgroupFinding('2', '1.34.12')).toMatchObject({ status: 'ok', detail: 'v2' });
    expect(cgroupFinding(null, '1.34.12').status).toBe('warnung');
  });
});
