// A real OpenID Connect provider (oidc-provider, a certified implementation) on 127.0.0.1 for
// tests: one static client for the runner and a few test accounts; its own login and
// consent pages (any password) and RP-initiated logout.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestPerson {
  name: string;
  email: string;
  groups: string[];
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registers the runner (its redirect and post-logout addresses) and starts answering. */
  attach(runnerUrl: string): void;
  close(): Promise<void>;
}

export async function startTestOidcProvider(people: Record<string, TestPerson>): Promise<TestOidcProvider> {
  let handler: Parameters<typeof createServer>[1] | null = null;
  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'werkbank';
  const clientSecret = 'werkbank-test-geheimnis';
  return {
    issuer,
    clientId,
    clientSecret,
    attach(runnerUrl) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [`${runnerUrl}/api/auth/callback`],
            post_logout_redirect_uris: [`${runnerUrl}/`],
            grant_types: ['authorization_code'],
            response_types: ['code'],
          },
        ],
        claims: { openid: ['sub'], profile: ['name', 'groups'], email: ['email'] },
        cookies: { keys: ['werkbank-test-cookie-key'] },
        features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
        findAccount: (_ctx: unknown, accountId: string) => {
          const person = people[accountId];
          return person ? { accountId, claims: () => ({ sub: accountId, ...person }) } : undefined;
        },
      });
      handler = provider.callback();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
