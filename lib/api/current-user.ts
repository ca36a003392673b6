// Who is signed in, for pages and server actions: read from the headers the HTTP gate (http-gate.ts) attached
// after authenticating the request. Server actions check their role here, since the gate only knows their path.
import { headers } from 'next/headers';
import { principalFromHeaders } from '../ops/auth/principal';
import { roleAtLeast, type Role } from '../ops/auth/roles';

export interface CurrentUser {
  username: string;
  role: Role;
}

export async function currentUser(): Promise<CurrentUser | null> {
  const h = await headers();
  return principalFromHeaders((name) => h.get(name));
}

/** For a server action: the user when their role is at least `minimum`, else a message to show instead. */
export async function actionUser(minimum: Role): Promise<{ ok: true; user: CurrentUser } | { ok: false; message: string }> {
  const user = await currentUser();
  if (!user) return { ok: false, message: 'Your session has ended; sign in again.' };
  if (!roleAtLeast(user.role, minimum)) {
    return { ok: false, message: `Signed in as ${user.username} (${user.role}); this needs the ${minimum} role or above.` };
  }
  return { ok: true, user };
}
