// What the recording side re-checks of every attempt before storing it (issue 15): the runner that made the call
// may be a remote worker, and the dashboard's figures are only as honest as the rows. A valid card attempt must
// pass the card rules again here (graphemes after NFC below max_chars, the word used) with the lengths it claims;
// an attempt's outcome must follow from what it carries, so non-compliance cannot pass as a provider error.
import { COMPLIANCE_REASONS, TRANSPORT_REASONS, type ReasonCode } from './reason-codes';
import { validateCard } from './validate-card';

/** 'invalid': the model answered and broke a rule; 'provider_error': no answer (timeout, 429, auth, 5xx…). */
export const ATTEMPT_OUTCOMES = ['valid', 'invalid', 'provider_error'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** An attempt with an error got no answer (ask-validated.ts sets it only for transport failures). */
export function attemptOutcome(a: Pick<Attempt, 'valid' | 'error'>): AttemptOutcome {
  if (a.valid) return 'valid';
  return a.error !== null ? 'provider_error' : 'invalid';
}

/** The fields of an attempt (attempt-recorder.ts's LlmAttempt) this check reads; declared here, as that schema calls it. */
interface Attempt {
  word: string;
  valid: boolean;
  error: string | null;
  reasonCodes: readonly ReasonCode[];
  rawResponse: string | null;
  parsed: unknown;
  maxChars: number;
  exampleLength: number | null;
  translationLength: number | null;
}

const isAmong = (codes: readonly string[]) => (code: ReasonCode) => codes.includes(code);

/** Every way the attempt contradicts itself, one sentence each; empty when it may be stored. */
export function attemptProblems(a: Attempt): string[] {
  const problems: string[] = [];
  const transport = a.reasonCodes.filter(isAmong(TRANSPORT_REASONS));
  if (a.error !== null) {
    if (a.valid) problems.push('an attempt with an error (no answer) cannot be valid');
    if (a.rawResponse !== null || (a.parsed !== null && a.parsed !== undefined)) {
      problems.push('an attempt with an error (no answer) cannot carry an answer');
    }
    if (transport.length === 0 || transport.length !== a.reasonCodes.length) {
      problems.push(`an attempt with an error (no answer) needs transport reason codes (${TRANSPORT_REASONS.join(', ')}), got [${a.reasonCodes.join(', ')}]`);
    }
    return problems;
  }
  if (transport.length > 0) problems.push(`an answered attempt cannot carry transport reason codes (${transport.join(', ')}): give its error`);
  if (!a.valid) {
    if (!a.reasonCodes.some(isAmong(COMPLIANCE_REASONS))) problems.push('an invalid answer needs the reason codes of the rules it broke');
    return problems;
  }
  if (a.reasonCodes.length > 0) problems.push(`a valid attempt has no reason codes, got [${a.reasonCodes.join(', ')}]`);
  if (a.maxChars > 0) problems.push(...validCardProblems(a));
  return problems;
}

/** A valid card attempt (max_chars > 0 marks a card) judged again by the rules the runner used. */
function validCardProblems(a: Attempt): string[] {
  const check = validateCard(a.parsed, { maxChars: a.maxChars, word: a.word });
  if (!check.ok) return check.problems.map((p) => `it is marked valid but breaks the card rules (${p.code}): ${p.message.replace(/^your /, '')}`);
  const problems: string[] = [];
  const claimed = [
    ['example_length', a.exampleLength, check.lengths.french_example],
    ['translation_length', a.translationLength, check.lengths.english_translation],
  ] as const;
  for (const [name, said, measured] of claimed) {
    if (said !== measured) problems.push(`${name} says ${said ?? 'null'} but the answer's text has ${measured ?? 'no'} characters (graphemes after NFC)`);
  }
  return problems;
}
