// The `connections` command group, with `airflow connections …` flags so scripts and habits carry over.
import { Option, type Command } from 'commander';
import { connectionTypes, STANDARD_FIELDS, type ConnectionTypeSpec } from '../connections/connection-types';
import { connectionFromFlags, type ConnectionFlags } from './connection-flags';
import type { ConnectionRow } from './connection-commands';
import { OUTPUT_FORMATS, printAs, printJson, printTable, type OutputFormat } from './output';

type ViaDb = (command: string, args: Record<string, unknown>) => Promise<unknown>;
interface Io {
  out: (line: string) => void;
  warn: (line: string) => void;
  /** FLASHFLOW_TEST_CONNECTION, as Airflow's [core] test_connection gates `airflow connections test`. */
  testingEnabled: () => boolean;
  /** Parses the DAG and plugin folders first when no server holds the database, so the plugins' types are current. */
  viaDbAfterParsing: ViaDb;
}

const COLUMNS: Array<keyof ConnectionRow> = ['conn_id', 'conn_type', 'description', 'host', 'schema', 'login', 'password', 'port', 'extra'];
const outputOption = () => new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table');

export function addConnectionCommands(program: Command, viaDb: ViaDb, io: Io): void {
  const { out, warn } = io;
  const connections = program.command('connections').description('manage connections (passwords are stored encrypted and never printed)');

  connections.command('add <conn_id>').description('add a connection, as a URI, as JSON or field by field')
    .option('--conn-uri <uri>', 'the whole connection, e.g. postgres://user:pass@host:5432/db?sslmode=require')
    .option('--conn-json <json>', 'the whole connection as JSON, e.g. {"conn_type": "http", "host": "…"}')
    .option('--conn-type <type>', 'connection type (see `flashflow connections types`)')
    .option('--conn-host <host>', 'host')
    .option('--conn-login <login>', 'login')
    .option('--conn-password <password>', 'password (stored encrypted)')
    .option('--conn-schema <schema>', 'schema')
    .option('--conn-port <port>', 'port')
    .option('--conn-extra <json>', 'extra, a JSON object')
    .option('--conn-description <text>', 'description')
    .action(async (connId: string, flags: ConnectionFlags) => {
      const input = connectionFromFlags(connId, flags);
      const { row, warning } = (await viaDb('connections.add', { connection: input })) as { row: ConnectionRow; warning: string | null };
      if (warning) warn(`flashflow: warning: ${warning}`);
      out(`Successfully added \`conn_id\`=${row.conn_id} (${row.conn_type})`);
    });

  connections.command('get <conn_id>').description('show a connection as a task would get it (FLASHFLOW_CONN_* first), secrets masked')
    .addOption(outputOption())
    .action(async (connId: string, o: { output: OutputFormat }) => {
      const row = (await viaDb('connections.get', { conn_id: connId })) as ConnectionRow;
      printAs([{ ...row }], COLUMNS, o.output, out);
    });

  connections.command('list').description('list the stored connections, secrets masked')
    .addOption(outputOption())
    .action(async (o: { output: OutputFormat }) => {
      const rows = (await viaDb('connections.list', {})) as ConnectionRow[];
      printAs(rows.map((r) => ({ ...r })), COLUMNS, o.output, out);
    });

  connections.command('delete <conn_id>').description('delete a stored connection')
    .action(async (connId: string) => {
      await viaDb('connections.delete', { conn_id: connId });
      out(`Successfully deleted connection with \`conn_id\`=${connId}`);
    });

  connections.command('test <conn_id>').description("try a connection with its type's hook; exit code 1 if it fails")
    .action(async (connId: string) => {
      if (!io.testingEnabled()) throw new Error('testing connections is disabled (FLASHFLOW_TEST_CONNECTION=Disabled)');
      const r = (await viaDb('connections.test', { conn_id: connId })) as { status: boolean; message: string };
      if (r.status) return out(r.message);
      warn(`flashflow: connection ${connId} failed: ${r.message}`);
      process.exitCode = 1;
    });

  connections.command('types').description('the connection types Flashflow knows (built in and from plugins), with their fields and extra keys')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: { output: string }) => {
      // The plugins' types come from the table a parse pass fills (in a child); this process never imports a plugin.
      const types = connectionTypes((await io.viaDbAfterParsing('connections.types', {})) as ConnectionTypeSpec[]);
      if (o.output === 'json') return printJson(types, out);
      printTable(types.map((t) => ({
        conn_type: [t.conn_type, ...(t.aliases ?? [])].join(', '),
        label: t.label,
        fields: STANDARD_FIELDS.filter((f) => t.fields[f]).join(', '),
        extra: t.extra.map((e) => e.key).join(', '),
      })), ['conn_type', 'label', 'fields', 'extra'], out);
    });
}
