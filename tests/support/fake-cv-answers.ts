// Scripted model behaviour for the cv_extraction DAG: the CV its tests paste and the answers a model could give.
import { reply, type FakeReply, type FakeRequest } from './fake-openai-server';

export const SAMPLE_CV = `Marie Curie
marie.curie@example.org · Paris
Experience: research physicist, 1895–1934 (20 years in the lab counted here)
Skills: radioactivity, chemistry, X-ray units`;

export const SAMPLE_CV_ANSWER = {
  name: 'Marie Curie',
  email: 'marie.curie@example.org',
  years_of_experience: 20,
  skills: ['radioactivity', 'chemistry', 'X-ray units'],
};

/** Whether the request is cv_extraction's (its prompt quotes the CV), not a flashcard's. */
export function isCvRequest(request: FakeRequest): boolean {
  return (request.body.messages ?? []).some((m) => m.role === 'user' && m.content.includes('CV:'));
}

/** The valid answer, or after a change to it on the first ask only (what a re-ask is for). */
export function answerSampleCv(firstAsk: Partial<typeof SAMPLE_CV_ANSWER> = {}) {
  return (request: FakeRequest): FakeReply => {
    const isReask = (request.body.messages ?? []).length > 2;
    return reply.json(isReask ? SAMPLE_CV_ANSWER : { ...SAMPLE_CV_ANSWER, ...firstAsk });
  };
}
