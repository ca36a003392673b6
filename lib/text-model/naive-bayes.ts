// The `train` step of text_to_model: a multinomial naive Bayes classifier with add-one smoothing that tells which
// source a line of text comes from, scored by leave-one-out: with a dozen samples there is no test set to spare,
// and each sample is predicted by a model that never saw it.
import type { Sample } from './corpus';

/** Plain arrays, so the model is its own JSON file: row i of `logLikelihood` is label i, column j is word j. */
export interface NaiveBayesModel {
  labels: string[];
  vocabulary: string[];
  logPrior: number[];
  logLikelihood: number[][];
  /** Per label: the log-probability of a word it never saw (add-one smoothing gives it one count). */
  logUnseen: number[];
}

export interface Evaluation {
  correct: number;
  total: number;
  accuracy: number;
  predictions: Array<{ label: string; predicted: string; words: string[] }>;
}

export function trainNaiveBayes(samples: readonly Sample[]): NaiveBayesModel {
  const labels = [...new Set(samples.map((s) => s.label))].sort();
  const vocabulary = [...new Set(samples.flatMap((s) => s.words))].sort();
  const column = new Map(vocabulary.map((w, j) => [w, j]));
  const counts = labels.map(() => new Array<number>(vocabulary.length).fill(0));
  const perLabel = labels.map(() => 0);
  for (const s of samples) {
    const i = labels.indexOf(s.label);
    perLabel[i]! += 1;
    for (const w of s.words) counts[i]![column.get(w)!]! += 1;
  }
  const logLikelihood: number[][] = [];
  const logUnseen: number[] = [];
  for (const row of counts) {
    const denominator = row.reduce((a, b) => a + b, 0) + vocabulary.length + 1;
    logLikelihood.push(row.map((c) => Math.log((c + 1) / denominator)));
    logUnseen.push(Math.log(1 / denominator));
  }
  return { labels, vocabulary, logPrior: perLabel.map((n) => Math.log(n / samples.length)), logLikelihood, logUnseen };
}

/** The most likely label; ties go to the label first in alphabetical order. */
export function predictLabel(model: NaiveBayesModel, words: readonly string[]): string {
  const column = new Map(model.vocabulary.map((w, j) => [w, j]));
  let best = 0;
  let bestScore = -Infinity;
  model.labels.forEach((_, i) => {
    let score = model.logPrior[i]!;
    for (const w of words) {
      const j = column.get(w);
      score += j === undefined ? model.logUnseen[i]! : model.logLikelihood[i]![j]!;
    }
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  return model.labels[best]!;
}

export function leaveOneOut(samples: readonly Sample[]): Evaluation {
  const predictions = samples.map((s, k) => {
    const model = trainNaiveBayes(samples.filter((_, i) => i !== k));
    return { label: s.label, predicted: predictLabel(model, s.words), words: s.words };
  });
  const correct = predictions.filter((p) => p.label === p.predicted).length;
  return { correct, total: samples.length, accuracy: samples.length ? correct / samples.length : 0, predictions };
}
