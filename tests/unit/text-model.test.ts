import { describe, expect, it } from 'vitest';
import { buildCorpus } from '../../lib/text-model/corpus';
import { leaveOneOut, predictLabel, trainNaiveBayes } from '../../lib/text-model/naive-bayes';
import { wordFrequencySvg } from '../../lib/text-model/word-frequency-chart';

const page = (image: string, text: string) => ({ image, text, confidence: 90 });

describe('the text_to_model steps', () => {
  it('makes one sample per line, labelled by its image, without function words or OCR noise', () => {
    const corpus = buildCorpus([page('weather.png', 'Rain over the harbour |\n\n— Cold rain'), page('scan.2.jpg', "It's the oven")]);
    expect(corpus.samples).toEqual([
      { label: 'weather', words: ['rain', 'harbour'] },
      { label: 'weather', words: ['cold', 'rain'] },
      { label: 'scan.2', words: ["it's", 'oven'] },
    ]);
    expect(corpus.frequencies[0]).toEqual({ word: 'rain', count: 2 });
  });

  it('classifies by the words a label saw, and scores each sample with a model that never saw it', () => {
    const samples = [
      { label: 'sport', words: ['goal', 'match'] },
      { label: 'sport', words: ['goal', 'team'] },
      { label: 'food', words: ['oven', 'bread'] },
      { label: 'food', words: ['oven', 'butter'] },
      { label: 'sport', words: ['whistle'] },
    ];
    const model = trainNaiveBayes(samples);
    expect(predictLabel(model, ['goal'])).toBe('sport');
    expect(predictLabel(model, ['oven', 'goal', 'bread'])).toBe('food');
    // No other sample has 'whistle': left out, its line is a tie, which goes to the first label alphabetically.
    const evaluation = leaveOneOut(samples);
    expect(evaluation.predictions.map((p) => p.predicted)).toEqual(['sport', 'sport', 'food', 'food', 'food']);
    expect(evaluation).toMatchObject({ correct: 4, total: 5, accuracy: 0.8 });
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('draws one escaped, proportional bar per word', () => {
    const svg = wordFrequencySvg([{ word: 'rain', count: 4 }, { word: 'a<b', count: 2 }], 'Words & counts');
    expect(svg).toContain('Words &#38; counts');
    expect(svg).toContain('>a&#60;b</text>');
    expect([...svg.matchAll(/<rect x="130" y="\d+" width="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([360, 180]);
  });
});
