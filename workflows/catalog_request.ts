// The tutorial's cataloguing tool, one run per request: a user submits a document, four calls to a classification
// model turn it into a catalogue entry. Triggered through the REST API with the document as conf:
//   POST /api/v1/dags/catalog_request/dagRuns  {"conf": {"document": {"id": "doc-1", "pages": ["…", "…"]}}}
// The model is connection model_default (the demo server of `flashflow demo model-server` unless replaced). A busy
// model answers 503: the call is retried inside the task first (cheap, no re-queue), then by the task's retries.
import { chain, dag, HttpHook, NonRetriableError, z, type TaskContext } from 'flashflow';

const MODEL_CONN_ID = 'model_default';

const params = z.object({
  document: z.object({
    id: z.string().trim().min(1).max(200),
    title: z.string().max(500).optional(),
    pages: z.array(z.string().max(200_000)).min(1).max(500),
  }),
});

const extracted = z.object({ document_id: z.string(), text: z.string(), pages: z.number().int(), words: z.number().int() });
const section = z.object({ index: z.number().int(), heading: z.string(), label: z.string(), confidence: z.number() });
const classified = z.object({ sections: z.array(section) });
const logo = z.object({ found: z.boolean(), page: z.number().int().nullable(), box: z.array(z.number()).nullable(), confidence: z.number() });
const logoAnswer = z.object({ logo });
const verdict = z.object({ document_id: z.string(), valid: z.boolean(), issues: z.array(z.string()), warnings: z.array(z.string()) });

const catalog = dag({
  dagId: 'catalog_request',
  description: 'Catalogue one submitted document: extract its text, classify its sections, find its logo, validate the entry',
  schedule: null,
  tags: ['example', 'scale-out'],
  params,
  // One run per request, thousands at peak: the model server and the workers' slots are the limits, not the DAG.
  maxActiveRuns: 10_000,
  maxActiveTasks: 1_000,
  defaultArgs: { owner: 'flashflow', retries: 3, retryDelay: '2s', retryExponentialBackoff: true },
  doc: 'conf: {"document": {"id": "…", "title": "…", "pages": ["page text", …]}}. Start the model with `flashflow demo model-server`. Result of validate: valid, issues, warnings.',
});

/** One model call; an answer that does not match what the task reads is the model's fault, not worth a retry. */
async function callModel<S extends z.ZodType>(ctx: Pick<TaskContext, 'services' | 'signal' | 'log'>, endpoint: string, body: unknown, answer: S): Promise<z.output<S>> {
  const hook = await HttpHook.fromConnection(ctx, MODEL_CONN_ID);
  const res = await hook.run({
    method: 'POST',
    endpoint,
    data: body,
    retry: { maximumAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2, maximumIntervalMs: 2_000, jitter: 0.5 },
  });
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    throw new NonRetriableError(`${endpoint} answered something that is not JSON: ${res.body.slice(0, 200)}`);
  }
  const parsed = answer.safeParse(json);
  if (!parsed.success) throw new NonRetriableError(`${endpoint} answered an unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const extract = catalog.task('extract_data', { output: extracted }, (ctx) =>
  callModel(ctx, 'v1/extract', { document: ctx.params.document }, extracted),
);

const classify = catalog.task('classify_sections', { inputs: { doc: extract }, output: classified }, (ctx) =>
  callModel(ctx, 'v1/classify-sections', { document_id: ctx.inputs.doc.document_id, text: ctx.inputs.doc.text }, classified),
);

const findLogo = catalog.task('extract_logo', { inputs: { doc: extract } }, async (ctx) =>
  (await callModel(ctx, 'v1/extract-logo', { document_id: ctx.inputs.doc.document_id, pages: ctx.inputs.doc.pages }, logoAnswer)).logo,
);

const validate = catalog.task('validate', { inputs: { doc: extract, classified: classify, logo: findLogo }, output: verdict }, (ctx) =>
  callModel(ctx, 'v1/validate', { document_id: ctx.inputs.doc.document_id, sections: ctx.inputs.classified.sections, logo: ctx.inputs.logo }, verdict),
);

// The tutorial's order, one step after the other (the logo does not need the sections, but each step is a model
// call the next one is billed for only when the previous one succeeded).
chain(extract, classify, findLogo, validate);

export default catalog;
