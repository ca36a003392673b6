import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Flashflow',
  description: 'Workflow engine and LLM flashcards, self-hosted',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a href="/" className="brand">Flashflow</a>
          <nav>
            <a href="/new">New deck</a>
            <a href="/decks">Decks</a>
            <a href="/review">Review</a>
            <a href="/dashboard">Dashboard</a>
            <a href="/dags">DAGs</a>
            <a href="/pools">Pools</a>
            <a href="/connections">Connections</a>
            <a href="/variables">Variables</a>
            <a href="/import-errors">Import errors</a>
            <a href="/api/v1/health">Health</a>
            <a href="/api/v1/version">Version</a>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
