import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { availableMemoryBytes, diskFinding, freeDiskBytes, inotifyFinding, memoryFinding, readInotify } from './probe-host.ts';

const GiB = 1024 ** 3;
const dir = mkdtempSync(join(tmpdir(), 'werkbank-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('host probes', () => {
  it('asks for raised inotify limits with the exact sysctl command, only for the low one', () => {
    expect(inotifyFinding({ max_user_instances: 512, max_user_watches: 524288 }).status).toBe('ok');
    const low = inotifyFinding({ max_user_instances: 128, max_user_watches: 1048576 });
    expect(low).toMatchObject({ status: 'warnung', detail: expect.stringMatching(/max_user_instances=128/) });
    expect(low.hint).toBe('Anheben mit: sudo sysctl -w fs.inotify.max_user_instances=512 (dauerhaft in /etc/sysctl.d/).');
  });

  it('reads the inotify limits from /proc-like files', () => {
    writeFileSync(join(dir, 'max_user_instances'), '128\n');
    writeFileSync(join(dir, 'max_user_watches'), '8192\n');
    expect(readInotify(dir)).toEqual({ max_user_instances: 128, max_user_watches: 8192 });
    expect(readInotify(join(dir, 'missing'))).toEqual({ max_user_instances: null, max_user_watches: null });
  });

  it('blocks below 3 GiB of free disk, warns below 15 GiB, in German number format', () => {
    expect(diskFinding(2 * GiB, '/c')).toMatchObject({ status: 'blockiert', detail: '2,0 GiB frei in /c' });
    expect(diskFinding(10 * GiB, '/c').status).toBe('warnung');
    expect(diskFinding(53 * GiB, '/c')).toMatchObject({ status: 'ok', detail: '53,0 GiB frei in /c' });
  });

  it('blocks when not even one cluster fits in memory', () => {
    expect(memoryFinding(1 * GiB).status).toBe('blockiert');
    expect(memoryFinding(3 * GiB).status).toBe('warnung');
    expect(memoryFinding(20 * GiB).status).toBe('ok');
  });

  it('counts MemAvailable, not just MemFree, and measures free disk of a real directory', async () => {
    writeFileSync(join(dir, 'meminfo'), 'MemTotal:       24683652 kB\nMemFree:         1000000 kB\nMemAvailable:   21000000 kB\n');
    expect(availableMemoryBytes(join(dir, 'meminfo'))).toBe(21000000 * 1024);
    expect(await freeDiskBytes(dir)).toBeGreaterThan(0);
    expect(await freeDiskBytes(join(dir, 'nope'))).toBeNull();
  });
});
