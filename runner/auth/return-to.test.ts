// After sign-in the runner sends the browser back to where it came from, but only to a
// page of this site: anything a browser could read as another host goes to "/".
import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './oidc-login.ts';

describe('where a sign-in returns to', () => {
  it('keeps a path on this site, with its query', () => {
    expect(safeReturnTo('/lektionen/speicher/?lab=1')).toBe('/lektionen/speicher/?lab=1');
  });

  it.each([
    ['another host', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example/'],
    ['a backslash a browser reads as a slash', '/\\evil.example/'],
    ['a tab the browser drops ("/\\t/evil" becomes "//evil")', '/\t/evil.example/'],
    ['a line break the browser drops', '/\n/evil.example/'],
    ['nothing at all', null],
  ])('sends %s to the start page', (_what, value) => {
    expect(safeReturnTo(value)).toBe('/');
  });
});
