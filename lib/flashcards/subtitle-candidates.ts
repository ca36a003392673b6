// Subtitle dialogue → the words worth offering for cards, most frequent first. Elided articles and pronouns
// (l', d', qu', j'…) give the word after them, inverted pronouns (dit-il, donne-moi) are cut from real compounds
// (grand-mère, peut-être stay whole), function words, numbers and names are left out. Pure: the /new page runs it in
// the browser, line by line so that it can show progress on a long film.
import { subtitleDialogue } from './parse-subtitles';
import { VOCABULARY_LIMITS } from './parse-vocabulary';
import { isStopWord } from './subtitle-stop-words';
import { charLength, wordKey } from './word-key';

export interface SubtitleCandidate {
  /** wordKey of the word: NFC, lower case, apostrophes unified — what the vocabulary box will hold. */
  word: string;
  count: number;
}

export interface SubtitleCandidates {
  /** Most frequent first; ties in order of first appearance. */
  candidates: SubtitleCandidate[];
  /** Capitalized mid-sentence and never seen in lower case (Amélie, Montmartre): left out, listed so the user sees why. */
  names: SubtitleCandidate[];
}

export interface CandidateOptions {
  /** Shorter words (in characters) are skipped: "vu", "ça" and the like are rarely what a learner is after. */
  minLength?: number;
}

// Letters and digits joined by apostrophes or hyphens: "aujourd'hui", "grand-mère", "a-t-il", "l'heure".
const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’ʼ\-‐‑][\p{L}\p{M}\p{N}]+)*/gu;
const ELISION = /^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’ʼ]/iu;
// Pronouns after a hyphen belong to the verb's inversion or imperative, not to the word (dit-il, vas-y, a-t-on).
const TRAILING_CLITICS: ReadonlySet<string> = new Set([
  'je', 'tu', 'il', 'elle', 'on', 'nous', 'vous', 'ils', 'elles', 'moi', 'toi', 'le', 'la', 'les', 'lui', 'leur', 'en', 'y', 't', 'ce',
]);
// Words that the two rules above would cut: they look like an elision or an inversion but are words of their own.
const WHOLE_WORDS: ReadonlySet<string> = new Set(['rendez-vous', "c'est-à-dire", "m'as-tu-vu", "qu'en-dira-t-on", 'on-dit']);
// What may stand before a capital that still starts a sentence: nothing, or the end of the previous sentence.
const SENTENCE_END = /(?:^|[.!?…:])[\s"«»“”'‘’\-–—]*$/u;

/** "qu'l'a" → "a": the word the elided articles and pronouns lean on. */
function withoutElisions(token: string): string {
  let word = token;
  for (let bare = word.replace(ELISION, ''); bare !== word; bare = word.replace(ELISION, '')) word = bare;
  return word;
}

/** The candidate word a token stands for, or null when it is no word worth a card. */
function tokenWord(token: string, minLength: number): string | null {
  let key = wordKey(token);
  if (!WHOLE_WORDS.has(key)) {
    const parts = withoutElisions(key).split('-');
    while (parts.length > 1 && TRAILING_CLITICS.has(parts.at(-1)!)) parts.pop();
    key = parts.join('-');
  }
  if (/\p{N}/u.test(key) || !/\p{L}/u.test(key)) return null;
  const length = charLength(key);
  if (length < minLength || length > VOCABULARY_LIMITS.maxWordChars || isStopWord(key)) return null;
  return key;
}

type Casing = 'lower' | 'capital' | 'upper';

function casing(token: string): Casing {
  const letters = token.replace(/[^\p{L}]/gu, '');
  const first = letters.charAt(0);
  if (letters === letters.toLocaleLowerCase('fr') || first === first.toLocaleLowerCase('fr')) return 'lower';
  return letters.length > 1 && letters === letters.toLocaleUpperCase('fr') ? 'upper' : 'capital';
}

interface Tally {
  word: string;
  count: number;
  first: number;
  lowerCase: number;
  capitalMidSentence: number;
}

export interface CandidateCollector {
  addLine(line: string): void;
  result(): SubtitleCandidates;
}

/** Counts words line by line (subtitleDialogue's lines), so a caller can yield between batches. */
export function candidateCollector(options: CandidateOptions = {}): CandidateCollector {
  const minLength = options.minLength ?? 3;
  const tallies = new Map<string, Tally>();
  // Dialogue repeats the same few thousand tokens: normalizing each spelling once halves the time a 2 MB file takes.
  const known = new Map<string, { word: string | null; casing: Casing }>();
  let seen = 0;
  return {
    addLine(line) {
      for (const match of line.normalize('NFC').matchAll(TOKEN)) {
        let token = known.get(match[0]);
        if (!token) {
          // An elided article before a name ("d'Amélie") says nothing about the name's case: look past it.
          token = { word: tokenWord(match[0], minLength), casing: casing(withoutElisions(match[0])) };
          known.set(match[0], token);
        }
        const { word } = token;
        if (word === null) continue;
        let tally = tallies.get(word);
        if (!tally) {
          tally = { word, count: 0, first: seen++, lowerCase: 0, capitalMidSentence: 0 };
          tallies.set(word, tally);
        }
        tally.count += 1;
        if (token.casing === 'lower') tally.lowerCase += 1;
        else if (token.casing === 'capital' && !SENTENCE_END.test(line.slice(0, match.index))) tally.capitalMidSentence += 1;
      }
    },
    result() {
      const byUsefulness = [...tallies.values()].sort((a, b) => b.count - a.count || a.first - b.first);
      const isName = (t: Tally) => t.capitalMidSentence > 0 && t.lowerCase === 0;
      const plain = ({ word, count }: Tally): SubtitleCandidate => ({ word, count });
      return {
        candidates: byUsefulness.filter((t) => !isName(t)).map(plain),
        names: byUsefulness.filter(isName).map(plain),
      };
    },
  };
}

/** All the candidates of a subtitle file's text at once. */
export function subtitleCandidates(text: string, options: CandidateOptions = {}): SubtitleCandidates {
  const collector = candidateCollector(options);
  for (const line of subtitleDialogue(text)) collector.addLine(line);
  return collector.result();
}
