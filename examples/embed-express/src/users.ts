/**
 * The product's own users and customer accounts: what an existing app already
 * has before it embeds Relata. Here a small in-memory table with scrypt password
 * hashes; in a real app, your database. Each customer account stores where its
 * CRM data lives in Relata (its own workspace, and the company record that stands
 * for the account there), as it would store any other foreign id.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** A customer account of the product, and where it lives in Relata. */
export interface CustomerAccount {
  id: string;
  name: string;
  /** The account's web domain: how the demo finds its company in the CRM. */
  domain: string;
  /**
   * The Relata workspace holding the account's CRM data, and no other account's
   * (the `workspaceId` claim of its users' tokens: what bounds whose data they reach).
   */
  relataWorkspaceId: string;
  /** The CRM `company` record of the account: its timeline is what the account's users see. */
  relataCompanyId: string;
}

/** A user of the product: belongs to one customer account. */
export interface AppUser {
  /** The product's user id; also the Relata member's user id (the token's `sub`). */
  id: string;
  email: string;
  name: string;
  accountId: string;
  /** `scrypt:<salt>:<hash>`, hex. */
  passwordHash: string;
}

const KEY_LENGTH = 32;

/** Hashes a password for the user table (scrypt, random salt). */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt:${salt.toString('hex')}:${scryptSync(password, salt, KEY_LENGTH).toString('hex')}`;
}

/** Whether `password` matches a hash made by hashPassword, in constant time. */
export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split(':');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'hex');
  const actual = scryptSync(password, Buffer.from(salt, 'hex'), expected.length);
  return timingSafeEqual(actual, expected);
}

/** The user table and the account table, with the lookups the app needs. */
export class UserDirectory {
  readonly #users = new Map<string, AppUser>();
  readonly #accounts = new Map<string, CustomerAccount>();
  // A hash to compare against when the email is unknown, so both cases take as long.
  readonly #dummyHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(accounts: readonly CustomerAccount[], users: readonly AppUser[]) {
    for (const account of accounts) this.#accounts.set(account.id, account);
    for (const user of users) {
      if (!this.#accounts.has(user.accountId)) throw new Error(`User ${user.id} belongs to an unknown account ${user.accountId}`);
      this.#users.set(user.id, user);
    }
  }

  /** The user with this email and password, or undefined. */
  signIn(email: string, password: string): AppUser | undefined {
    const user = [...this.#users.values()].find((u) => u.email === email.trim().toLowerCase());
    const matches = verifyPassword(password, user?.passwordHash ?? this.#dummyHash);
    return user && matches ? user : undefined;
  }

  /** A user by id (from the session cookie). */
  user(id: string): AppUser | undefined {
    return this.#users.get(id);
  }

  /** The account a user belongs to. */
  accountOf(user: AppUser): CustomerAccount {
    const account = this.#accounts.get(user.accountId);
    if (!account) throw new Error(`User ${user.id} belongs to an unknown account ${user.accountId}`);
    return account;
  }
}

/** A demo user before hashing: what main.ts prints so people can sign in. */
export interface DemoUser {
  id: string;
  email: string;
  name: string;
  accountId: string;
  password: string;
}

/** The demo's users: two for Acme, one for Globex. */
export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'alice', email: 'alice@acme.example', name: 'Alice Archer', accountId: 'acme', password: 'acme-demo' },
  { id: 'adam', email: 'adam@acme.example', name: 'Adam Ashby', accountId: 'acme', password: 'acme-demo' },
  { id: 'gina', email: 'gina@globex.example', name: 'Gina Grant', accountId: 'globex', password: 'globex-demo' },
];

/** The demo's customer accounts, before they are matched to their workspaces and CRM companies. */
export const DEMO_ACCOUNTS: ReadonlyArray<Pick<CustomerAccount, 'id' | 'name' | 'domain'>> = [
  { id: 'acme', name: 'Acme Corp', domain: 'acme.example' },
  { id: 'globex', name: 'Globex', domain: 'globex.example' },
];

/** The demo's user table, with hashed passwords. */
export function demoUsers(): AppUser[] {
  return DEMO_USERS.map(({ password, ...user }) => ({ ...user, passwordHash: hashPassword(password) }));
}
