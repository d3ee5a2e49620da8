/**
 * Who is acting. Every engine call takes an Actor; the transport resolves it from
 * credentials: an API key acts with the role stored on it, a member with the
 * roles its token names (those the workspace knows). What the roles allow is in
 * permissions.ts and policy.ts.
 */
import { ForbiddenError } from '../errors.ts';

/** The caller of an engine operation. */
export interface Actor {
  workspaceId: string;
  /** What authenticated: an API key, a workspace member, or the system itself (CLI, boot). */
  kind: 'apiKey' | 'member' | 'system';
  /** The API key's, member's or system task's id. */
  id: string;
  /** Role names: `admin`, `member`, `viewer`, or custom roles; the actor may do what any of them allows. */
  roles: readonly string[];
}

/** True when the actor may manage metadata, keys and other admin resources. */
export function isAdmin(actor: Actor): boolean {
  return actor.kind === 'system' || actor.roles.includes('admin');
}

/** Throws FORBIDDEN unless the actor is an admin. */
export function requireAdmin(actor: Actor, action: string): void {
  if (!isAdmin(actor)) throw new ForbiddenError(`Only admins may ${action}`);
}

/** An actor for the system's own work in a workspace (CLI, seeding). */
export function systemActor(workspaceId: string): Actor {
  return { workspaceId, kind: 'system', id: 'system', roles: ['admin'] };
}
