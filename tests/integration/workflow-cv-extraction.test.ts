// The shipped cv_extraction DAG in the real runtime (runner processes, services, llm_attempt) against the fake
// OpenAI-compatible server: a bad answer is re-asked with the validator's sentence, a spent budget fails the task
// with the last reasons, and every attempt is recorded under the task.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/runtime/start-runtime';
import { makeDagFolder } from '../support/dag-folder';
import { answerSampleCv, SAMPLE_CV, SAMPLE_CV_ANSWER } from '../support/fake-cv-answers';
import { reply, startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';
import { startTestRuntime, taskError, taskStates, trigger, waitForRun } from '../support/runtime-harness';

const WORKFLOWS = path.resolve(import.meta.dirname, '../../workflows');

let rt: Runtime & { home: string };
let fake: FakeOpenAiServer;

beforeAll(async () => {
  // Only this DAG, re-exported from workflows/ so it imports lib/ as when shipped.
  const folder = await makeDagFolder();
  await writeFile(path.join(folder, 'cv_extraction.ts'), `export { default } from ${JSON.stringify(path.join(WORKFLOWS, 'cv_extraction.ts'))};\n`);
  fake = await startFakeOpenAiServer();
  rt = await startTestRuntime(folder, { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test', FLASHFLOW_LLM_MODEL: 'fake-model' });
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await fake?.close();
});

beforeEach(() => fake.reset());

const attempts = (runId: string) =>
  rt.db.sql.query<{ dag_id: string; task_id: string; map_index: number; try_number: number; word: string; attempt: number; valid: boolean; reason_codes: string[]; max_chars: number; deck_id: number | null }>(
    `SELECT dag_id, task_id, map_index, try_number, word, attempt, valid, reason_codes, max_chars, deck_id FROM llm_attempt WHERE run_id = $1 ORDER BY try_number, attempt`,
    [runId],
  );

describe('the cv_extraction DAG', () => {
  it('re-asks an answer with a bad email with that message, and returns the validated fields', async () => {
    fake.otherwise(answerSampleCv({ email: 'marie.curie at example.org' }));
    const runId = await trigger(rt, 'cv_extraction', { conf: { cv_text: SAMPLE_CV } });
    expect(await waitForRun(rt, 'cv_extraction', runId)).toBe('success');

    const [first, second] = fake.requests;
    expect(first!.body.response_format?.type).toBe('json_schema');
    expect(first!.body.messages!.at(-1)!.content).toContain('marie.curie@example.org');
    const reask = second!.body.messages!;
    expect(reask.at(-2)).toMatchObject({ role: 'assistant' });
    expect(reask.at(-1)!.content).toContain("email 'marie.curie at example.org' is not a valid e-mail address");

    const [xcom] = await rt.db.sql.query<{ value: unknown }>(`SELECT value FROM xcom WHERE run_id = $1 AND task_id = 'extract_cv'`, [runId]);
    expect(xcom!.value).toEqual(SAMPLE_CV_ANSWER);
    const tag = { dag_id: 'cv_extraction', task_id: 'extract_cv', map_index: -1, try_number: 1, word: 'cv', max_chars: 0, deck_id: null };
    expect(await attempts(runId)).toEqual([
      { ...tag, attempt: 1, valid: false, reason_codes: ['validation_failed'] },
      { ...tag, attempt: 2, valid: true, reason_codes: [] },
    ]);
  });

  it('re-asks an answer that breaks the schema with the field to fix', async () => {
    fake.script(reply.json({ ...SAMPLE_CV_ANSWER, skills: [] }), reply.text(`Sure! ${JSON.stringify(SAMPLE_CV_ANSWER)}`));
    const runId = await trigger(rt, 'cv_extraction', { conf: { cv_text: SAMPLE_CV } });
    expect(await waitForRun(rt, 'cv_extraction', runId)).toBe('success');
    expect(fake.requests[1]!.body.messages!.at(-1)!.content).toMatch(/- your skills: .*1/);
    expect((await attempts(runId)).map((a) => a.reason_codes)).toEqual([['schema_mismatch'], []]);
  });

  it('refuses a CV over the size limit at trigger, before any call', async () => {
    await expect(trigger(rt, 'cv_extraction', { conf: { cv_text: 'x'.repeat(50_001) } })).rejects.toThrow(/conf.cv_text: Too big: expected string to have <=50000 characters/);
    expect(fake.calls).toBe(0);
  });

  it('fails the task at once with the last reasons when the re-ask budget is spent', async () => {
    fake.otherwise(() => reply.json({ ...SAMPLE_CV_ANSWER, years_of_experience: 130 }));
    const runId = await trigger(rt, 'cv_extraction', { conf: { cv_text: SAMPLE_CV, max_reasks: 1 } });
    expect(await waitForRun(rt, 'cv_extraction', runId)).toBe('failed');
    // A spent budget is not retried: a new try would only spend it again (the DAG has retries for provider errors).
    expect(await taskStates(rt, 'cv_extraction', runId)).toEqual({ extract_cv: 'failed' });
    expect(await taskError(rt, 'cv_extraction', runId, 'extract_cv')).toMatch(
      /No valid answer for 'cv' after 2 attempts: years_of_experience 130 is out of range; it must be a number from 0 to 60/,
    );
    expect((await attempts(runId)).map((a) => [a.attempt, a.valid, a.reason_codes])).toEqual([
      [1, false, ['validation_failed']],
      [2, false, ['validation_failed']],
    ]);
    expect(fake.calls).toBe(2);
  });
});
