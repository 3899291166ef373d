// The sign-in settings as an administrator writes them: a typo or an unsafe issuer stops the
// start with a German message instead of a runner that cannot sign anyone in.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';

describe('sign-in settings', () => {
  it('leaves sign-in off without an issuer', () => {
    expect(loadConfig({}).oidc).toBeUndefined();
  });

  it('reads issuer, client and the instructor claim', () => {
    const config = loadConfig({
      WERKBANK_OIDC_ISSUER: 'https://login.schule.example/realms/kurs',
      WERKBANK_OIDC_CLIENT_ID: 'werkbank',
      WERKBANK_OIDC_CLIENT_SECRET: 'geheim',
      WERKBANK_OIDC_INSTRUCTOR_VALUE: 'lehrende',
    });
    expect(config.oidc).toEqual({
      issuer: 'https://login.schule.example/realms/kurs',
      clientId: 'werkbank',
      clientSecret: 'geheim',
      scopes: 'openid profile email',
      instructorClaim: 'groups',
      instructorValue: 'lehrende',
      sessionHours: 12,
    });
  });

  it('refuses an issuer without a client id, and plain http except on this machine', () => {
    expect(() => loadConfig({ WERKBANK_OIDC_ISSUER: 'https://login.schule.example' })).toThrow(/WERKBANK_OIDC_CLIENT_ID fehlt/);
    expect(() => loadConfig({ WERKBANK_OIDC_ISSUER: 'http://login.schule.example', WERKBANK_OIDC_CLIENT_ID: 'werkbank' })).toThrow(
      /muss mit https:\/\/ beginnen/,
    );
    expect(loadConfig({ WERKBANK_OIDC_ISSUER: 'http://127.0.0.1:9000', WERKBANK_OIDC_CLIENT_ID: 'werkbank' }).oidc?.issuer).toBe('http://127.0.0.1:9000');
    expect(() => loadConfig({ WERKBANK_OIDC_ISSUER: 'kein-url', WERKBANK_OIDC_CLIENT_ID: 'werkbank' })).toThrow(/WERKBANK_OIDC_ISSUER/);
  });
});
