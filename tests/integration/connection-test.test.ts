// "Test connection" (lib/hooks/connection-test.ts) against real servers on 127.0.0.1: an HTTP server, PGlite behind
// the PostgreSQL wire protocol, an SMTP sink; and a port nothing listens on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../../lib/hooks/connection-test';
import type { Connection } from '../../lib/connections/connection-model';
import { freePort } from '../support/cli-harness';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { startPgliteTcpBridge, type PgliteTcpBridge } from '../support/pglite-tcp-bridge';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

let web: HttpSink;
let pg: PgliteTcpBridge;
let smtp: SmtpSink;
let closedPort: number;

beforeAll(async () => {
  [web, pg, smtp, closedPort] = await Promise.all([startHttpSink(), startPgliteTcpBridge(), startSmtpSink(), freePort()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([web?.close(), pg?.close(), smtp?.close()]);
});

function conn(fields: Partial<Connection> & Pick<Connection, 'conn_type'>): Connection {
  return { conn_id: 'under_test', description: null, host: '127.0.0.1', schema: null, login: null, password: null, port: null, extra: null, ...fields };
}

describe('testConnection', () => {
  it('sends a GET to an http connection with its credentials and reports the status', async () => {
    const port = Number(new URL(web.url).port);
    const before = web.requests.length;
    const ok = await testConnection(conn({ conn_type: 'http', port, schema: 'health', login: 'me', password: 'pw' }));
    expect(ok).toEqual({ status: true, message: expect.stringMatching(/successfully tested.*GET http:\/\/127\.0\.0\.1:\d+\/health answered 200/) });
    const seen = web.requests.slice(before);
    expect(seen.map((r) => [r.method, r.path])).toEqual([['GET', '/health']]);
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('me:pw').toString('base64')}`);

    web.respondWith(503);
    const failing = await testConnection(conn({ conn_type: 'http', port }));
    expect(failing.status).toBe(false);
    expect(failing.message).toMatch(/HTTP 503/);
  });

  it('never answers a password, even one written into the host URL', async () => {
    const port = Number(new URL(web.url).port);
    // fetch refuses a URL with credentials, and its error repeats the URL.
    const result = await testConnection(conn({ conn_type: 'http', host: `http://me:hunter2@127.0.0.1:${port}`, password: 'hunter2' }));
    expect(result).toEqual({ status: false, message: expect.stringMatching(/\/\/\*\*\*@127\.0\.0\.1/) });
    expect(result.message).not.toContain('hunter2');
    const inSchema = await testConnection(conn({ conn_type: 'postgres', port: await freePort(), login: 'hunter2', password: 'hunter2' }));
    expect(inSchema.status).toBe(false);
    expect(inSchema.message).not.toContain('hunter2');
  });

  it('answers status false when nothing listens on the port', async () => {
    const http = await testConnection(conn({ conn_type: 'http', port: closedPort }));
    expect(http).toEqual({ status: false, message: expect.stringMatching(/ECONNREFUSED/) });
    const postgres = await testConnection(conn({ conn_type: 'postgres', port: closedPort }));
    expect(postgres).toEqual({ status: false, message: expect.stringMatching(/ECONNREFUSED/) });
    const mail = await testConnection(conn({ conn_type: 'smtp', port: closedPort, extra: '{"disable_ssl": true}' }));
    expect(mail).toEqual({ status: false, message: expect.stringMatching(/ECONNREFUSED|ESOCKET|ECONNECTION/) });
  });

  it('connects to PostgreSQL and runs SELECT 1', async () => {
    const port = Number(new URL(pg.url).port);
    const result = await testConnection(conn({ conn_type: 'postgres', port, schema: 'postgres', login: 'postgres', password: 'pw' }));
    expect(result).toEqual({ status: true, message: expect.stringMatching(/127\.0\.0\.1:\d+\/postgres and ran SELECT 1/) });
  });

  it('does the SMTP handshake without sending mail', async () => {
    const result = await testConnection(conn({ conn_type: 'smtp', port: smtp.port, extra: '{"disable_ssl": true, "disable_tls": true}' }));
    expect(result).toEqual({ status: true, message: expect.stringMatching(/SMTP server 127\.0\.0\.1:\d+ accepted the handshake/) });
    expect(smtp.mails).toHaveLength(0);
  });

  it('says which types it cannot test, and turns a malformed connection into a failed test', async () => {
    const ftp = await testConnection(conn({ conn_type: 'ftp' }));
    expect(ftp).toEqual({ status: false, message: expect.stringMatching(/type 'ftp' is not supported.*http, https, postgres/) });
    const noHost = await testConnection(conn({ conn_type: 'http', host: null }));
    expect(noHost).toEqual({ status: false, message: expect.stringMatching(/has no host/) });
    const badExtra = await testConnection(conn({ conn_type: 'postgres', extra: '[1]' }));
    expect(badExtra).toEqual({ status: false, message: expect.stringMatching(/extra.*not a JSON object/) });
  });
});
