import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { allChecks, checkIds, findCheck, isCheckId, UnknownCheckError } from './index.ts';

const checkFiles = readdirSync(join(import.meta.dirname, 'lib')).filter(
  (file) => file.endsWith('.ts') && !file.includes('.test.'),
);

describe('the check library index', () => {
  test('lists every check file under checks/lib exactly once, under the id that is its file name', () => {
    const idsFromFiles = checkFiles.map((file) => file.replace(/\.ts$/, '')).sort();
    expect(checkIds).toEqual(idsFromFiles);
  });

  test('ids are unique and kebab-case, and each check is filed under its own id', () => {
    expect(new Set(checkIds).size).toBe(checkIds.length);
    for (const [key, check] of Object.entries(allChecks)) {
      expect(check.id).toBe(key);
      expect(check.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    }
  });

  test('every check has a German title', () => {
    for (const check of Object.values(allChecks)) {
      expect(check.title.trim(), check.id).not.toBe('');
      // German, not an English placeholder: at least one German function word or umlaut.
      expect(check.title, check.id).toMatch(/[äöüß]|\b(ist|sind|wird|hat|existiert|in|mit|nicht|und|an|einen|einem|die|der|das)\b/i);
      expect(check.title, check.id).not.toMatch(/\b(the|is|has|are|with|TODO)\b/);
    }
  });

  test('findCheck returns the check and names the known ids for an unknown one', () => {
    expect(findCheck('pvc-bound')).toBe(allChecks['pvc-bound']);
    expect(isCheckId('pvc-bound')).toBe(true);
    expect(isCheckId('toString')).toBe(false);
    expect(() => findCheck('pvc-bund')).toThrow(UnknownCheckError);
    expect(() => findCheck('pvc-bund')).toThrow(/pvc-bound/);
  });

  test('every check refuses parameters it does not know (a typo in a lab)', () => {
    for (const check of Object.values(allChecks)) {
      const result = check.params.safeParse({ unbekannt: 1 });
      expect(result.success, check.id).toBe(false);
    }
  });
});
