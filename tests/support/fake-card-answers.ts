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
