// What the AWS clients (S3, Athena) take from an `aws` connection: credentials from login/password, extra
// `region_name`, `endpoint_url`, `s3_force_path_style`, `aws_session_token`. Plain data, so importing it never loads
// the AWS SDK: the hooks do that when they first call AWS.
import { NonRetriableError } from '../engine/task-context';
import type { Connection } from '../connections/connection-model';
import { hookExtra } from './hook-context';

export const DEFAULT_AWS_CONN_ID = 'aws_default';
// The SDK refuses to sign without a region; S3-compatible servers ignore it, so an endpoint alone is enough.
const FALLBACK_REGION = 'us-east-1';

export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  /** Absent: the SDK's own chain (environment, profile, instance role), as Airflow does without a login. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Client settings for the connection; the secret key is in here, so never log this object. */
export function awsClientConfig(conn: Connection): AwsClientConfig {
  if (conn.conn_type !== 'aws') {
    throw new NonRetriableError(`connection '${conn.conn_id}' has conn_type '${conn.conn_type}'; AWS hooks need an 'aws' connection`);
  }
  const extra = hookExtra(conn);
  const endpoint = typeof extra.endpoint_url === 'string' && extra.endpoint_url ? extra.endpoint_url : undefined;
  const token = typeof extra.aws_session_token === 'string' && extra.aws_session_token ? extra.aws_session_token : undefined;
  return {
    region: typeof extra.region_name === 'string' && extra.region_name ? extra.region_name : FALLBACK_REGION,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: extra.s3_force_path_style === true || extra.s3_force_path_style === 'true',
    ...(conn.login
      ? { credentials: { accessKeyId: conn.login, secretAccessKey: conn.password ?? '', ...(token ? { sessionToken: token } : {}) } }
      : {}),
  };
}

/** Error codes no retry will cure: bad credentials, missing bucket or key, refused access, invalid request. */
const PERMANENT = /^(InvalidAccessKeyId|SignatureDoesNotMatch|UnrecognizedClientException|InvalidClientTokenId|AccessDenied(Exception)?|NoSuchBucket|NoSuchKey|NotFound|InvalidRequestException|InvalidBucketName|ValidationException)$/;

/**
 * An AWS SDK error as a task error: what was attempted, with which connection, and AWS's code and message (which
 * never carry the secret). Permanent errors fail without retry; throttling, 5xx and network errors keep retries.
 */
export function awsError(what: string, connId: string, error: unknown): Error {
  if (error instanceof NonRetriableError) return error;
  const e = error as Error & { Code?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.Code ?? e.name;
  const status = e.$metadata?.httpStatusCode;
  const message = `${what} (connection '${connId}') failed: ${code}${e.message && e.message !== code ? `: ${e.message}` : ''}`;
  const permanent = PERMANENT.test(code) || (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429);
  // No `cause`: an SDK error carries the raw request and response, which the try's error record has no use for.
  return permanent ? new NonRetriableError(message) : new Error(message);
}
