// Connections that exist before anyone creates them (Airflow ships `*_default` connections the same way), so the
// example DAGs run on a new install: `ftp_default` is the server `flashflow demo ftp` starts, `model_default` the one
// `flashflow demo model-server` starts. Looked up last, after
// FLASHFLOW_CONN_* and the connection table, so defining either replaces it.
import type { Connection } from './connection-model';

export const DEMO_FTP = { host: '127.0.0.1', port: 2121, login: 'flashflow', password: 'flashflow' } as const;
export const DEMO_MODEL = { host: '127.0.0.1', port: 8089 } as const;

const DEFAULTS: Record<string, Connection> = {
  ftp_default: {
    conn_id: 'ftp_default',
    conn_type: 'ftp',
    description: 'The demo FTP server of `flashflow demo ftp` (replace it with your own)',
    host: DEMO_FTP.host,
    schema: null,
    login: DEMO_FTP.login,
    password: DEMO_FTP.password,
    port: DEMO_FTP.port,
    extra: null,
  },
  model_default: {
    conn_id: 'model_default',
    conn_type: 'http',
    description: 'The demo classification model of `flashflow demo model-server` (replace it with your own)',
    host: DEMO_MODEL.host,
    schema: 'http',
    login: null,
    password: null,
    port: DEMO_MODEL.port,
    extra: JSON.stringify({ timeout: 30 }),
  },
};

export function defaultConnection(connId: string): Connection | null {
  const conn = DEFAULTS[connId];
  return conn ? { ...conn } : null;
}
