// Scripted model behaviour for flashcard tests: a valid card for every word the prompt names, built from the
// word itself, with optional words that always (or only on the first ask) answer an over-long example.
import { reply, type FakeReply, type FakeRequest } from './fake-openai-server';

/** The word of the request: the one the first user message quotes, among the words a test knows. */
export function wordOf(request: FakeRequest, words: readonly string[]): string | undefined {
  const firstUser = (request.body.messages ?? []).find((m) => m.role === 'user')?.content ?? '';
  return [...words].sort((a, b) => b.length - a.length).find((w) => firstUser.includes(w));
}

export function cardFor(word: string) {
  return { french_word: word, french_example: `Le ${word} ici.`, english_word: `${word}-en`, english_translation: `The ${word} here.` };
}

export function scriptedCards(words: readonly string[], opts: { alwaysTooLong?: Set<string>; tooLongFirst?: Set<string> } = {}) {
  return (request: FakeRequest): FakeReply => {
    const word = wordOf(request, words);
    if (!word) return reply.error(400, 'unexpected prompt');
    const isReask = (request.body.messages ?? []).length > 2;
    const card = cardFor(word);
    const tooLong = opts.alwaysTooLong?.has(word) || (opts.tooLongFirst?.has(word) && !isReask);
    return reply.json(tooLong ? { ...card, french_example: `${card.french_example} Et encore bien plus long.` } : card);
  };
}

/** Hand-written cards for the words the flashcard tests paste. */
export const SAMPLE_CARDS: Record<string, { french_word: string; french_example: string; english_word: string; english_translation: string }> = {
  chat: { french_word: 'chat', french_example: 'Le chat dort.', english_word: 'cat', english_translation: 'The cat sleeps.' },
  pomme: { french_word: 'pomme', french_example: 'Une pomme rouge.', english_word: 'apple', english_translation: 'A red apple.' },
  bibliothèque: { french_word: 'bibliothèque', french_example: 'La bibliothèque.', english_word: 'library', english_translation: 'The library.' },
  voiture: { french_word: 'voiture', french_example: 'Ma voiture.', english_word: 'car', english_translation: 'My car.' },
};

/** The over-long example a card answers with when told to, still using its word (for bibliothèque: 42 characters). */
export function tooLongExample(card: { french_example: string }): string {
  return `${card.french_example.slice(0, -1)} de mon quartier ferme tôt.`;
}

/**
 * Answers with SAMPLE_CARDS. `bibliothèque` answers too long on the first ask (so there is a re-ask and a failed
 * first attempt to see); words in `alwaysTooLong` never stop answering too long.
 */
export function answerSampleCards(alwaysTooLong: ReadonlySet<string> = new Set()) {
  return (request: FakeRequest): FakeReply => {
    const word = wordOf(request, Object.keys(SAMPLE_CARDS));
    if (!word) return reply.error(400, 'unexpected prompt');
    const isReask = (request.body.messages ?? []).length > 2;
    const card = SAMPLE_CARDS[word]!;
    const tooLong = alwaysTooLong.has(word) || (word === 'bibliothèque' && !isReask);
    return reply.json(tooLong ? { ...card, french_example: tooLongExample(card) } : card);
  };
}
