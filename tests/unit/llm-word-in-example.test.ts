// The "example uses the word" rule: accents, case, elision, articles, inflections, expressions, and its known limits.
import { describe, expect, it } from 'vitest';
import { exampleUsesWord, requiredTokens } from '../../lib/llm/word-in-example';

describe('exampleUsesWord', () => {
  it.each([
    ['chat', 'Le chat dort.', 'the exact word'],
    ['Café', 'un CAFE noir', 'case and accents'],
    ['café', 'Un cafe\u0301 noir', 'a decomposed accent'],
    ['œuf', 'Un oeuf dur.', 'œ spelt oe'],
    ["l'eau", "L’eau est froide.", "elision and a typographic apostrophe"],
    ['le chat', 'Deux chats dorment.', 'an article in the entry, a plural in the example'],
    ['cheval', 'Les chevaux courent.', '-al → -aux'],
    ['heureux', 'Elle est heureuse.', 'a feminine'],
    ['manger', 'Nous mangeons tard.', 'a regular -er verb'],
    ['finir', 'Je finis ce soir.', 'a regular -ir verb'],
    ['partir', 'Je pars demain.', '-tir verbs drop the t in the singular'],
    ['vendre', 'Il a vendu sa moto.', 'a past participle'],
    ['se souvenir', 'Je me souviens de toi.', 'a reflexive verb with an irregular stem'],
    ['avoir le cafard', "J'ai le cafard.", 'an expression with an irregular verb'],
    ['tomber dans les pommes', 'Il est tombé dans les pommes.', 'an expression'],
    ['comprendre', "Tu n'as rien compris.", 'a compound of an irregular verb'],
    ['être', 'Je suis là.', 'être conjugated'],
    ['se moquer de qqn', 'Tu te moques de moi ?', 'a dictionary placeholder'],
    ['peut-être', 'Peut-être demain.', 'a hyphenated word'],
    ['eau', 'Deux eaux minérales.', 'a short word with a plural mark'],
  ])('accepts %s in "%s" (%s)', (word, example) => {
    expect(exampleUsesWord(word, example)).toBe(true);
  });

  it.each([
    ['chat', 'Le chien dort.'],
    ['avoir le cafard', 'Il est triste.'],
    ['vin', 'Il a vingt ans.'],
    ['tomber dans les pommes', 'Il est tombé.'],
  ])('rejects %s in "%s"', (word, example) => {
    expect(exampleUsesWord(word, example)).toBe(false);
  });

  it('has documented limits: suppletive forms are not recognised, close prefixes are accepted', () => {
    expect(exampleUsesWord('œil', 'Il a les yeux bleus.')).toBe(false);
    expect(exampleUsesWord('chat', 'Un château fort.')).toBe(true);
  });
});

describe('requiredTokens', () => {
  it('drops articles, clitics and placeholders but keeps a bare article entry', () => {
    expect(requiredTokens("s'en aller")).toEqual(['aller']);
    expect(requiredTokens('se moquer de qqn')).toEqual(['moquer']);
    expect(requiredTokens('la')).toEqual(['la']);
    expect(requiredTokens('quelque chose')).toEqual(['quelque', 'chose']);
  });
});
