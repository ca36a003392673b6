// Does a French example use the vocabulary word? Case-, accent- and elision-insensitive, with inflections
// tolerated by stem/prefix matching and a small table of irregular verbs. It is a heuristic that errs towards
// accepting: its job is to catch examples that forgot the word, not to parse French. Rule and limits:
// docs/adr/0009-llm-validation-and-reasks.md.

/** Lower case, accents removed, œ/æ spelt out, typographic apostrophes made plain. */
export function foldFrench(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[’ʼ‘`´]/g, "'");
}

/** Words split on anything that is not a letter or digit, so "l'eau" → l, eau and "peut-être" → peut, etre. */
export function frenchTokens(text: string): string[] {
  return foldFrench(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

// Articles, elided forms and clitics a learner's entry may carry ("le chat", "l'eau", "se souvenir", "s'en aller")
// that the example need not repeat.
const ARTICLES_AND_CLITICS = new Set([
  'le', 'la', 'les', 'l', 'un', 'une', 'des', 'du', 'de', 'd', 'au', 'aux', 'a',
  'se', 's', 'me', 'm', 'te', 't', 'en', 'y',
]);
// Dictionary placeholders: "se moquer de qqn" is used as "se moquer de Paul".
const PLACEHOLDERS = new Set(['qqch', 'qqn', 'qch', 'qn', 'quelque', 'chose', 'quelqu']);

// Folded forms of the commonest irregular verbs (and, by suffix, their compounds: comprendre, devenir, revoir…).
// `exact` forms must equal an example word; `prefixes` must start one.
const IRREGULAR_VERBS: Record<string, { exact: string[]; prefixes: string[] }> = {
  etre: { exact: ['suis', 'es', 'est', 'sommes', 'etes', 'sont', 'ete', 'fus', 'fut'], prefixes: ['etai', 'etion', 'etiez', 'etant', 'ser', 'soi', 'soy', 'fur', 'fum'] },
  avoir: { exact: ['ai', 'as', 'a', 'ont', 'eu', 'eue', 'eus', 'eut'], prefixes: ['av', 'aur', 'aie', 'ait', 'ayan', 'ayon', 'ayez', 'eur', 'eum'] },
  aller: { exact: ['vais', 'vas', 'va', 'vont', 'ira', 'iras', 'irai', 'irez', 'iront'], prefixes: ['all', 'irion', 'iriez', 'irai', 'irons', 'aill'] },
  faire: { exact: ['fais', 'fait', 'faits', 'faite', 'faites', 'font', 'fit'], prefixes: ['fais', 'fer', 'fass', 'firent'] },
  pouvoir: { exact: ['peux', 'peut', 'pu'], prefixes: ['pouv', 'peuv', 'pourr', 'puiss'] },
  vouloir: { exact: ['veux', 'veut'], prefixes: ['voul', 'veul', 'voudr', 'veuill'] },
  savoir: { exact: ['sais', 'sait', 'su', 'sue', 'sus'], prefixes: ['sav', 'saur', 'sach'] },
  devoir: { exact: ['dois', 'doit', 'du', 'due', 'dus'], prefixes: ['dev', 'doiv', 'devr'] },
  venir: { exact: [], prefixes: ['vien', 'ven', 'vin'] },
  tenir: { exact: [], prefixes: ['tien', 'ten', 'tin'] },
  prendre: { exact: ['pris', 'prise', 'prises', 'prit'], prefixes: ['prend', 'pren', 'prir'] },
  mettre: { exact: ['mis', 'mise', 'mises', 'mit'], prefixes: ['met', 'mir'] },
  dire: { exact: ['dis', 'dit', 'dite', 'dits', 'dites'], prefixes: ['dis', 'dir'] },
  voir: { exact: ['vu', 'vue', 'vus', 'vues', 'vit'], prefixes: ['voi', 'voy', 'verr', 'vir'] },
};

// Endings removed to find a stem: infinitives, plural and feminine marks, -al/-ail → -aux, -if → -ive.
const ENDINGS = ['evoir', 'oir', 'yer', 'er', 'ir', 're', 'es', 's', 'x', 'e', 'il', 'l', 'f'];
const MIN_STEM = 3;

interface Form {
  text: string;
  mode: 'exact' | 'prefix';
}

function formsOf(token: string): Form[] {
  // Short words ("eau", "vin", "feu") match exactly or with a plural mark, else "vin" would match "vingt".
  if (token.length <= MIN_STEM) {
    return [token, `${token}s`, `${token}x`].map((text) => ({ text, mode: 'exact' as const }));
  }
  const forms: Form[] = [{ text: token, mode: 'prefix' }];
  for (const ending of ENDINGS) {
    if (token.endsWith(ending) && token.length - ending.length >= MIN_STEM) {
      forms.push({ text: token.slice(0, -ending.length), mode: 'prefix' });
    }
  }
  // -tir/-mir/-vir verbs drop the consonant in the singular: partir → pars, dormir → dors, servir → sers.
  if (/[tmv]ir$/.test(token) && token.length - 3 >= MIN_STEM) forms.push({ text: token.slice(0, -3), mode: 'prefix' });
  for (const [verb, irregular] of Object.entries(IRREGULAR_VERBS)) {
    if (!token.endsWith(verb)) continue;
    const head = token.slice(0, -verb.length);
    forms.push(...irregular.exact.map((f) => ({ text: head + f, mode: 'exact' as const })));
    forms.push(...irregular.prefixes.map((f) => ({ text: head + f, mode: 'prefix' as const })));
  }
  return forms;
}

function tokenAppears(token: string, exampleTokens: readonly string[]): boolean {
  const forms = formsOf(token);
  return exampleTokens.some((t) =>
    forms.some((f) => (f.mode === 'exact' ? t === f.text : t.startsWith(f.text))),
  );
}

/** The words of an entry the example must contain: articles, clitics and placeholders dropped when others remain. */
export function requiredTokens(word: string): string[] {
  const tokens = frenchTokens(word);
  const content = tokens.filter((t) => !ARTICLES_AND_CLITICS.has(t) && !PLACEHOLDERS.has(t));
  if (content.length > 0) return content;
  const withoutArticles = tokens.filter((t) => !ARTICLES_AND_CLITICS.has(t));
  return withoutArticles.length > 0 ? withoutArticles : tokens;
}

/** True when every required word of the entry appears in the example, possibly inflected, in any order. */
export function exampleUsesWord(word: string, example: string): boolean {
  const exampleTokens = frenchTokens(example);
  const required = requiredTokens(word);
  if (required.length === 0) return true;
  return required.every((token) => tokenAppears(token, exampleTokens));
}
