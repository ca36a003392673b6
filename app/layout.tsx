import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { currentUser } from '@/lib/api/current-user';
import { roleAtLeast } from '@/lib/ops/auth/roles';
import { UserMenu } from './user-menu';
import './globals.css';

export const metadata: Metadata = {
  title: 'Flashflow',
  description: 'Workflow engine and LLM flashcards, self-hosted',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  const op = user !== null && roleAtLeast(user.role, 'Op');
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a href="/" className="brand">Flashflow</a>
          {user ? (
            <nav>
              <a href="/new">New deck</a>
              <a href="/decks">Decks</a>
              <a href="/review">Review</a>
              <a href="/dashboard">Dashboard</a>
              <a href="/dags">DAGs</a>
              <a href="/assets">Assets</a>
              {op ? <a href="/pools">Pools</a> : null}
              {op ? <a href="/connections">Connections</a> : null}
              {op ? <a href="/variables">Variables</a> : null}
              <a href="/import-errors">Import errors</a>
              <a href="/api/v1/health">Health</a>
              <a href="/api/v1/version">Version</a>
            </nav>
          ) : null}
          {user ? <UserMenu user={user} /> : null}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
