// The tutorial's fault-tolerance scenario: extract information from a pasted CV, and re-ask when the answer is not
// what we expect. The schema gives the answer its shape; the validators hold what a schema says poorly, each
// with the sentence the model reads in the re-ask. A budget spent fails the task with the last reasons.
import { askLlm, dag, z } from 'flashflow';

const params = z.object({
  cv_text: z.string().trim().min(1).max(50_000),
  max_reasks: z.number().int().min(0).max(10).default(3),
  model: z.string().trim().min(1).optional(),
});

const cvSchema = z.object({
  name: z.string().trim().min(1).describe('The full name of the candidate'),
  email: z.string().trim().describe('The e-mail address of the candidate'),
  years_of_experience: z.number().describe('Years of professional experience, a number'),
  skills: z.array(z.string().trim().min(1)).min(1).describe('Skills, tools and languages the candidate names'),
});

// The shape of an address; the parts a model gets wrong (spaces, no @, no dot in the domain, "[at]").
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_YEARS = 60;

const cv = dag({
  dagId: 'cv_extraction',
  description: 'Extract name, e-mail, years of experience and skills from a pasted CV, re-asking until they hold',
  schedule: null,
  tags: ['llm', 'example'],
  params,
  defaultArgs: { owner: 'flashflow', retries: 1, retryDelay: '10s' },
  doc: 'params: cv_text (the CV as plain text), max_reasks (re-asks after the first answer), model. Result: the validated fields. Walkthrough: docs/examples/cv-extraction.md',
});

cv.task('extract_cv', { pool: 'llm', output: cvSchema }, (ctx) =>
  askLlm(ctx, {
    input: ctx.params.cv_text,
    prompt: (text) => `Extract the candidate's name, e-mail address, years of professional experience and skills from this CV.

CV:
${text}`,
    output: cvSchema,
    validators: [
      (answer) => (EMAIL.test(answer.email) ? null : `email '${answer.email}' is not a valid e-mail address; copy the address from the CV, like name@example.com`),
      (answer) =>
        answer.years_of_experience >= 0 && answer.years_of_experience <= MAX_YEARS
          ? null
          : `years_of_experience ${answer.years_of_experience} is out of range; it must be a number from 0 to ${MAX_YEARS}`,
    ],
    maxReasks: ctx.params.max_reasks,
    model: ctx.params.model,
    label: 'cv',
  }),
);

export default cv;
