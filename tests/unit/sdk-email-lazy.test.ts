// Every DAG file imports the SDK and every process reads its configuration; only sending a mail may load nodemailer.
import { expect, it, vi } from 'vitest';

const loaded = vi.hoisted(() => [] as string[]);
vi.mock('nodemailer', () => {
  loaded.push('nodemailer');
  return { default: {} };
});

it('importing the SDK, declaring email tasks and reading SMTP settings from the environment load no mailer', async () => {
  const sdk = await import('../../lib/sdk/index');
  sdk.email({ to: 'a@example.com', subject: 's', text: 't' });
  const { loadConfig } = await import('../../lib/runtime/config');
  expect(loadConfig({ FLASHFLOW_SMTP_HOST: 'mx' }, '/srv').connectionEnv.FLASHFLOW_CONN_SMTP_DEFAULT).toContain('"host":"mx"');
  expect(loaded).toEqual([]);
  // The mock does see a load, so the empty list above means something.
  await import('../../lib/hooks/smtp-transport');
  expect(loaded).toEqual(['nodemailer']);
});
