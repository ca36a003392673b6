// The signed-in user in the top bar, with the account page and sign-out (a form post, checked by the gate).
import type { CurrentUser } from '@/lib/api/current-user';

export function UserMenu({ user }: { user: CurrentUser }) {
  return (
    <div className="user-menu">
      <a href="/account" title={`${user.role} role`}>{user.username}</a>
      <span className="muted small">{user.role}</span>
      <form method="post" action="/auth/logout">
        <button type="submit" className="link-button">Sign out</button>
      </form>
    </div>
  );
}
