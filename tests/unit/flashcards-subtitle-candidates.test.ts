import { describe, expect, it } from 'vitest';
import { candidateCollector, subtitleCandidates } from '../../lib/flashcards/subtitle-candidates';

const srt = (...cues: string[]) =>
  cues.map((text, i) => `${i + 1}\n00:00:0${i % 10},000 --> 00:00:0${i % 10},900\n${text}\n`).join('\n');
const words = (text: string) => subtitleCandidates(text).candidates.map((c) => c.word);

describe('subtitle candidates', () => {
  it('lists each word once with its count, most frequent first, ties in order of appearance', () => {
    const text = srt("<i>J'ai une bagnole.</i>", "- T'as vu l'heure ?\n- {\\an8}Ma bagnole est en panne ! [moteur]", '♪ La thune, la thune ♪');
    expect(subtitleCandidates(text).candidates).toEqual([
      { word: 'bagnole', count: 2 },
      { word: 'thune', count: 2 },
      { word: 'heure', count: 1 },
      { word: 'panne', count: 1 },
    ]);
  });

  it('keeps accents and folds case with NFC, so a decomposed "é" and a capital are the same word', () => {
    const decomposed = 'E\u0301te\u0301'; // "Été" as combining marks
    expect(subtitleCandidates(srt(`${decomposed} chaud.`, 'Un été chaud.', 'Le garçon, son cœur, ses œufs.')).candidates).toEqual([
      { word: 'été', count: 2 },
      { word: 'chaud', count: 2 },
      { word: 'garçon', count: 1 },
      { word: 'cœur', count: 1 },
      { word: 'œufs', count: 1 },
    ]);
  });

  it("gives the word after an elision (l', d', qu', j', typographic apostrophes too) and keeps aujourd'hui whole", () => {
    expect(words(srt("L'amour, d'accord ? Qu’importe, j’arrive.", "Aujourd'hui, jusqu'à l'aube, lorsqu'il pleut, s'il faut.", "Presqu'île"))).toEqual([
      'amour', 'accord', 'importe', 'arrive', "aujourd'hui", 'aube', 'pleut', 'faut', "presqu'île",
    ]);
  });

  it('keeps hyphenated words whole but cuts the pronoun of an inversion or an imperative', () => {
    expect(words(srt('Ma grand-mère, peut-être ?', 'Dis-moi, a-t-il le rendez-vous ?', 'Regarde-les ! Vas-y, donne-la-moi, c’est-à-dire maintenant.'))).toEqual([
      'grand-mère', 'peut-être', 'dis', 'rendez-vous', 'regarde', 'donne', "c'est-à-dire", 'maintenant',
    ]);
  });

  it('skips function words, short words, numbers and tokens with digits', () => {
    expect(words(srt('Il est 10h, on a 2 minutes et 30 secondes.', 'Je ne sais pas, mais tu es là avec nous.', 'Le 3e étage, en 1998.'))).toEqual([
      'minutes', 'secondes', 'sais', 'étage',
    ]);
  });

  it('leaves out names (capitalized mid-sentence, never in lower case) and lists them apart', () => {
    const result = subtitleCandidates(srt(
      'Tu connais Amélie ? Elle habite à Montmartre.',
      "C'est Amélie, la serveuse de Jean-Pierre.",
      'Amélie sourit.', // at the start of a sentence: no evidence either way
      'Bonjour ! Pardon, je cherche la Poste.',
      'Il poste une lettre à la poste.', // seen in lower case: a word, whatever the capital above
      'STOP ! Arrête !', // shouting is not a name
    ));
    expect(result.names).toEqual([
      { word: 'amélie', count: 3 },
      { word: 'montmartre', count: 1 },
      { word: 'jean-pierre', count: 1 },
    ]);
    expect(result.candidates.map((c) => c.word)).toEqual([
      'poste', 'connais', 'habite', 'serveuse', 'sourit', 'bonjour', 'pardon', 'cherche', 'lettre', 'stop', 'arrête',
    ]);
  });

  it('gives the same result line by line through the collector as all at once', () => {
    const text = srt('Une bagnole rouge.', 'La bagnole de Paul.');
    const collector = candidateCollector();
    collector.addLine('Une bagnole rouge.');
    collector.addLine('La bagnole de Paul.');
    expect(collector.result()).toEqual(subtitleCandidates(text));
  });
});
