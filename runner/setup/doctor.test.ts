import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunCommand } from './command.ts';
import { formatReport, formatShort, runDoctor } from './doctor.ts';

/** A machine whose docker and go answer as given; everything else is read for real. */
function fakeMachine(dockerUp: boolean): RunCommand {
  return async (command, args) => {
    if (command === 'docker' && args[0] === 'info') {
      return dockerUp
        ? { ok: true, missing: false, stdout: JSON.stringify({ ServerVersion: '27.3.1', CgroupVersion: '2', DefaultRuntime: 'runc' }), stderr: '' }
        : { ok: false, missing: false, stdout: '{"ServerVersion":""}', stderr: 'Cannot connect to the Docker daemon' };
    }
    if (command === 'docker') return { ok: true, missing: false, stdout: 'sha256:1', stderr: '' };
    return { ok: true, missing: false, stdout: 'go1.26.8\n', stderr: '' };
  };
}

const userBin = mkdtempSync(join(tmpdir(), 'werkbank-doctor-path-'));
afterAll(() => rmSync(userBin, { recursive: true, force: true }));

describe('doctor report', () => {
  it('names a kind on PATH of the wrong version and why it is not used', async () => {
    writeFileSync(join(userBin, 'kind'), '#!/bin/sh\necho "kind v0.20.0 go1.21.0 linux/amd64"\n');
    chmodSync(join(userBin, 'kind'), 0o755);
    const env = { ...process.env, PATH: `${userBin}:${process.env.PATH}`, WERKBANK_OFFLINE: '' };
    const text = formatReport(await runDoctor({ run: fakeMachine(true), env }));
    expect(text).toMatch(/nicht genommen: kind v0\.20\.0 passt nicht – Werkbank braucht kind \d+\.\d+\.x/);
  });

  it('prints one line per finding with a mark, and the result at the end', async () => {
    const report = await runDoctor({ run: fakeMachine(true), env: { ...process.env, WERKBANK_OFFLINE: '1' } });
    const text = formatReport(report);
    expect(text).toMatch(/^Docker\n {2}✓ Docker-Engine: läuft, Version 27\.3\.1$/m);
    expect(text).toMatch(/✓ cgroup-Version: v2/);
    expect(text).toMatch(/Werkzeuge\n {2}✓ Node\.js: v\d+/);
  });

  it('gives `start` a short form that names what blocks clusters', async () => {
    const report = await runDoctor({ run: fakeMachine(false) });
    expect(report.blocked).toBe(true);
    const [first, second, third] = formatShort(report).split('\n');
    expect(first).toMatch(/^Prüfung: Docker nicht bereit; kind .*, kubectl .*, helm .*\.$/);
    expect(second).toMatch(/^Lab-Cluster blockiert durch: Docker-Engine – Einzelheiten: \.\/werkbank doctor$/);
    expect(third).toBeUndefined();
  });
});
