// Turns what a model said into a JSON value, whatever the output strategy: bare JSON, JSON in a markdown fence,
// or JSON with prose around it (plain-mode models and some JSON-mode ones do all three). A refusal, explicit
// (`message.refusal`) or in prose with no JSON at all, is told apart from broken JSON.
import type { CardProblem } from './reason-codes';

export type ParsedAnswer = { ok: true; value: unknown } | { ok: false; problem: CardProblem };

// Openings of a prose refusal, in English and French. Only consulted when the reply holds no JSON at all.
const REFUSAL_OPENINGS =
  /^\W*(i'?m sorry|i am sorry|sorry,|i can'?t|i cannot|i can not|i won'?t|i will not|i'?m unable|i am unable|i'?m not able|i am not able|as an ai|unfortunately,? i|je ne peux pas|je suis désolée?|désolée?,|je regrette)/i;

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Each balanced `{…}` span of the text, outermost first, skipping braces inside JSON strings. */
function* objectSpans(text: string): Generator<string> {
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        yield text.slice(start, i + 1);
        break;
      }
    }
  }
}

function quote(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

/** What the re-ask after a refusal adds, unless the caller knows better words for its task. */
const CARD_NUDGE = 'this is a vocabulary card for an adult learner, and a neutral everyday example is fine';

/** `nudge` follows the quoted refusal in the re-ask: why answering is fine for this task. */
export function parseModelAnswer(content: string | null, refusal: string | null, nudge: string = CARD_NUDGE): ParsedAnswer {
  const refusalMessage = (said: string) => `you declined ('${quote(said)}'); ${nudge}`;
  if (refusal && refusal.trim() !== '') {
    return {
      ok: false,
      problem: { code: 'refusal', message: refusalMessage(refusal) },
    };
  }
  const text = (content ?? '').trim();
  if (text === '') return { ok: false, problem: { code: 'invalid_json', message: 'your reply was empty' } };

  const whole = tryParse(text);
  if (whole.ok) return whole;

  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fenced?.[1]) {
    const inner = tryParse(fenced[1].trim());
    if (inner.ok) return inner;
  }
  for (const span of objectSpans(text)) {
    const parsed = tryParse(span);
    if (parsed.ok) return parsed;
  }
  if (!text.includes('{') && REFUSAL_OPENINGS.test(text)) {
    return { ok: false, problem: { code: 'refusal', message: refusalMessage(text) } };
  }
  return {
    ok: false,
    problem: { code: 'invalid_json', message: `your reply is not a valid JSON object (${whole.error})` },
  };
}
