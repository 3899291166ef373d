// Signed-in people and their learner ids: the provider's issuer and subject map to a learner
// id the runner made, so the same person finds the same progress and home on every device,
// and no claim a person can edit (name, e-mail) ever picks the id.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const ACCOUNTS_FILE = 'accounts.json';

const accountSchema = z.object({
  issuer: z.string(),
  subject: z.string(),
  learnerId: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
});
export type Account = z.infer<typeof accountSchema>;

export interface Person {
  name?: string | undefined;
  email?: string | undefined;
}

export class Accounts {
  private readonly path: string;
  private readonly accounts: Account[];

  constructor(dataDir: string) {
    this.path = join(dataDir, ACCOUNTS_FILE);
    this.accounts = existsSync(this.path) ? z.array(accountSchema).parse(JSON.parse(readFileSync(this.path, 'utf8'))) : [];
  }

  /** The learner id of this issuer's subject, made on their first sign-in; name and e-mail
   * are updated to what the provider says now. */
  signIn(issuer: string, subject: string, person: Person): Account {
    let account = this.accounts.find((known) => known.issuer === issuer && known.subject === subject);
    if (!account) {
      account = { issuer, subject, learnerId: randomBytes(16).toString('base64url') };
      this.accounts.push(account);
    }
    if (person.name) account.name = person.name;
    else delete account.name;
    if (person.email) account.email = person.email;
    else delete account.email;
    const draft = `${this.path}.${process.pid}`;
    writeFileSync(draft, JSON.stringify(this.accounts, null, 2), { mode: 0o600 });
    renameSync(draft, this.path);
    return account;
  }

  byLearner(learnerId: string): Account | undefined {
    return this.accounts.find((account) => account.learnerId === learnerId);
  }

  /** What instructors see: the name, else the e-mail address, else nothing. */
  displayName(learnerId: string): string | null {
    const account = this.byLearner(learnerId);
    return account?.name ?? account?.email ?? null;
  }
}
