// Which variables task processes inherit: config.taskEnv and every forked runner drop the server's secrets
// (lib/secrets/task-environment.ts) and keep what a runner and the user's own tools need.
import { describe, expect, it } from 'vitest';
import { isSensitiveKey } from '../../lib/connections/connection-model';
import { configVariableNames, loadConfig } from '../../lib/runtime/config';
import { isServerSecret, withoutServerSecrets } from '../../lib/secrets/task-environment';

describe('task environment', () => {
  it('drops every setting Flashflow reads whose name says it is secret', () => {
    const secretNames = configVariableNames().filter((name) => isSensitiveKey(name));
    expect(secretNames).toEqual(expect.arrayContaining(['OPENAI_API_KEY', 'FLASHFLOW_SECRET_KEY', 'FLASHFLOW_SMTP_PASSWORD', 'SMTP_PASSWORD']));
    expect(secretNames.filter((name) => !isServerSecret(name))).toEqual([]);
  });

  it('drops connections, credentials and webhooks from config.taskEnv, keeps the rest and FLASHFLOW_HOME', () => {
    const config = loadConfig({
      PATH: '/usr/bin', FLASHFLOW_HOME: 'home', FLASHFLOW_API_URL: 'http://web:3000', FLASHFLOW_LLM_MODEL: 'gpt-test', OPENAI_BASE_URL: 'http://llm/v1',
      FLASHFLOW_VAR_GREETING: 'bonjour', MY_TOOL_TOKEN: 'the-user-passes-this-on',
      OPENAI_API_KEY: 'sk-1', FLASHFLOW_SECRET_KEY: 'k', DATABASE_URL: 'postgres://u:p@h/d', REDIS_URL: 'redis://h',
      FLASHFLOW_CONN_MY_DB: 'postgres://u:p@h/d', FLASHFLOW_VAR_API_TOKEN: 't', FLASHFLOW_SMTP_HOST: 'mail', FLASHFLOW_SMTP_USER: 'u',
      SMTP_USER: 'u', FLASHFLOW_SMTP_PASSWORD: 'p', FLASHFLOW_SLACK_WEBHOOK_URL: 'https://hooks.example/x', FLASHFLOW_ALERT_WEBHOOK_URL: 'https://hooks.example/y',
    }, '/srv');
    expect(config.taskEnv).toEqual({
      PATH: '/usr/bin', FLASHFLOW_HOME: '/srv/home', FLASHFLOW_API_URL: 'http://web:3000', FLASHFLOW_LLM_MODEL: 'gpt-test', OPENAI_BASE_URL: 'http://llm/v1',
      FLASHFLOW_VAR_GREETING: 'bonjour', MY_TOOL_TOKEN: 'the-user-passes-this-on', FLASHFLOW_SMTP_HOST: 'mail',
    });
  });

  it('is what withoutServerSecrets leaves of any environment', () => {
    expect(withoutServerSecrets({ FLASHFLOW_CONN_X: '{}', FLASHFLOW_HOME: '/h', NODE_ENV: 'test', HOME: '/root' })).toEqual({ FLASHFLOW_HOME: '/h', NODE_ENV: 'test', HOME: '/root' });
  });
});
