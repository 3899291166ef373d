import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearerToken, INSTRUCTOR_TOKEN_FILE, loadInstructorToken, tokenMatches } from './instructor-token.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-token-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('instructor token', () => {
  it('is made up once, readable only by the runner’s user, and kept across starts', async () => {
    const first = loadInstructorToken(dataDir);
    expect(first.source).toBe('new');
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect((await stat(join(dataDir, INSTRUCTOR_TOKEN_FILE))).mode & 0o777).toBe(0o600);
    expect(loadInstructorToken(dataDir)).toEqual({ ...first, source: 'file' });
  });

  it('comes from WERKBANK_INSTRUCTOR_TOKEN when set, ignoring the file', async () => {
    await writeFile(join(dataDir, INSTRUCTOR_TOKEN_FILE), 'aus-der-datei\n');
    expect(loadInstructorToken(dataDir, 'aus-der-umgebung')).toMatchObject({ token: 'aus-der-umgebung', source: 'env' });
    expect(loadInstructorToken(dataDir, '')).toMatchObject({ token: 'aus-der-datei', source: 'file' });
  });

  it('accepts only the exact token from a Bearer header', () => {
    expect(bearerToken('Bearer abc123')).toBe('abc123');
    expect(bearerToken('bearer abc123')).toBe('abc123');
    expect(bearerToken('Basic abc123')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(tokenMatches('abc123', 'abc123')).toBe(true);
    expect(tokenMatches('abc123', 'abc12')).toBe(false);
    expect(tokenMatches('abc123', 'abc1234')).toBe(false);
  });
});
