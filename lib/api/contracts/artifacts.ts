// The files a task instance produced (a Flashflow extension): its artifacts folder listed, and each file served with
// the media type its name gives, sandboxed so that an HTML or SVG report cannot run script as this site.
import { z } from 'zod';
import { endpoint } from '../contract';
import { collection, DateTime } from './common';

export const Artifact = z
  .object({
    name: z.string(),
    size: z.number().int().meta({ description: 'In bytes.' }),
    modified_at: DateTime,
    content_type: z.string().meta({ description: 'The media type the file is served with.' }),
  })
  .meta({ id: 'Artifact' });

export const ArtifactCollection = collection('artifacts', Artifact, 'ArtifactCollection');

const TaskParams = z.object({ dag_id: z.string(), dag_run_id: z.string(), task_id: z.string() });
const MapIndex = { map_index: z.coerce.number().int().default(-1).meta({ description: 'The instance of a mapped task.' }) };

export const getTaskInstanceArtifacts = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/artifacts',
  operationId: 'get_task_instance_artifacts',
  tag: 'TaskInstance',
  summary: 'List the files a task instance left in its artifacts folder',
  params: TaskParams,
  query: z.object(MapIndex),
  response: ArtifactCollection,
  errors: [400, 404],
});

export const getTaskInstanceArtifact = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/artifacts/{artifact_name}',
  operationId: 'get_task_instance_artifact',
  tag: 'TaskInstance',
  summary: 'Get one artifact file',
  description:
    'Answers the file itself with the media type its name gives (HTML, SVG, images, JSON and text shown in the ' +
    'browser; anything else as an attachment), under `Content-Security-Policy: sandbox` and ' +
    '`X-Content-Type-Options: nosniff`, so a report opens safely but runs no script. A name that is not a plain ' +
    'file name (a path separator, `..`) is refused with 400.',
  params: TaskParams.extend({ artifact_name: z.string() }),
  query: z.object(MapIndex),
  response: z.string().meta({ id: 'ArtifactFile', format: 'binary', description: 'The file as the task wrote it.' }),
  responseContentTypes: ['*/*'],
  errors: [400, 404],
});

export const artifactEndpoints = [getTaskInstanceArtifacts, getTaskInstanceArtifact];
