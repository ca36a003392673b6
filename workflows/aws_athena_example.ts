// Airflow's Athena example, the tutorial's own: each day, make sure an external table over the day's CSV files in
// S3 exists, query it, and report how many rows the query returned. Each query waits in reschedule mode, holding
// no slot while Athena works. Needs real AWS credentials, so it ships paused.
import { athenaQuery, dag } from 'flashflow';

// Where the data and Athena's results live; change these to your buckets.
const DATABASE = 'default';
const TABLE = 'flashflow_words';
const DATA_LOCATION = 's3://flashflow-example-data/words/';
const OUTPUT_LOCATION = 's3://flashflow-example-athena-results/aws_athena_example/';

const athena = dag({
  dagId: 'aws_athena_example',
  description: 'Query CSV files in S3 with Amazon Athena and report the row count',
  schedule: '@daily',
  startDate: '2026-01-01',
  catchup: false,
  isPausedUponCreation: true,
  tags: ['example', 'aws', 'athena'],
  defaultArgs: { owner: 'data-team', retries: 1, retryDelay: '5m' },
  doc: `Runs its queries through the \`aws_default\` connection: create it before switching the DAG on, e.g.
\`flashflow connections add aws_default --conn-uri 'aws://AKIA…:SECRET@/?region_name=eu-west-1'\`
or \`FLASHFLOW_CONN_AWS_DEFAULT\` in the server's environment (add \`endpoint_url\` to the extra for another
endpoint). The buckets are constants at the top of the file: point them at yours. See docs/integrations.md.`,
});

const query = { database: DATABASE, outputLocation: OUTPUT_LOCATION, pollInterval: '1m', timeout: '2h' } as const;

const createTable = athena.task('create_table', athenaQuery({
  ...query,
  query: `CREATE EXTERNAL TABLE IF NOT EXISTS ${TABLE} (word string, translation string)
ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION '${DATA_LOCATION}'`,
}));

const readTable = athena.task('read_table', athenaQuery({ ...query, query: `SELECT word, translation FROM ${TABLE}` }));
createTable.then(readTable);

athena.task('report', { inputs: { result: readTable } }, ({ inputs, log }) => {
  log.info(`${inputs.result.row_count} row(s) in ${inputs.result.output_location ?? '(no output location)'}`);
  return { row_count: inputs.result.row_count, output_location: inputs.result.output_location };
});

export default athena;
