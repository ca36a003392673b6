// Reading, splitting and training on the Iris CSV the pipelines download.
import { describe, expect, it } from 'vitest';
import { irisDemoFiles } from '../../lib/demo/iris-files';
import { CsvFormatError, parseIrisCsv } from '../../lib/ml/iris-csv';
import { trainForest } from '../../lib/ml/random-forest-model';
import { trainTestSplit } from '../../lib/ml/train-test-split';

const HEADER = 'sepal_length,sepal_width,petal_length,petal_width,species';

describe('parseIrisCsv', () => {
  it('reads the demo files, dropping blank lines and exact duplicates', () => {
    const files = irisDemoFiles();
    expect(parseIrisCsv(files['iris/iris.csv']!, 'iris.csv')).toMatchObject({ dropped: 1 });
    expect(parseIrisCsv(files['iris/iris.csv']!, 'iris.csv').flowers).toHaveLength(149);
    const csv = `${HEADER}\r\n5.1,3.5,1.4,0.2,setosa\n\n5.1,3.5,1.4,0.2,setosa\n6.0,2.2,5.0,1.5,virginica\n`;
    expect(parseIrisCsv(csv, 'x.csv')).toEqual({
      flowers: [{ features: [5.1, 3.5, 1.4, 0.2], species: 'setosa' }, { features: [6, 2.2, 5, 1.5], species: 'virginica' }],
      dropped: 2,
    });
  });

  it.each([
    ['sepal,width\n1,2', "x.csv line 1: expected the header 'sepal_length,sepal_width,petal_length,petal_width,species', found 'sepal,width'"],
    [`${HEADER}\n5.1,3.5,1.4,0.2,setosa\n5.1,abc,1.4,0.2,setosa`, "x.csv line 3: sepal_width 'abc': expected a number"],
    [`${HEADER}\n5.1,3.5,1.4,setosa`, 'x.csv line 2: expected 5 fields, found 4'],
    [`${HEADER}\n5.1,3.5,-1.4,0.2,setosa`, "x.csv line 2: petal_length '-1.4': must be above 0"],
    [`${HEADER}\n5.1,3.5,1.4,0.2,`, 'x.csv line 2: species is empty'],
    [`${HEADER}\n\n`, 'x.csv: no flowers after the header'],
  ])('names the line of a corrupt file (%#)', (csv, message) => {
    expect(() => parseIrisCsv(csv, 'x.csv')).toThrow(new CsvFormatError(message));
  });
});

describe('trainTestSplit and trainForest', () => {
  it('splits the same way for the same seed, and trains a forest that scores well on unseen flowers', () => {
    const { flowers } = parseIrisCsv(irisDemoFiles()['iris/iris.csv']!, 'iris.csv');
    const a = trainTestSplit(flowers, 0.3, 42);
    expect(trainTestSplit(flowers, 0.3, 42)).toEqual(a);
    expect(trainTestSplit(flowers, 0.3, 43).test).not.toEqual(a.test);
    expect([a.train.length, a.test.length]).toEqual([104, 45]);
    expect(() => trainTestSplit(flowers, 1, 42)).toThrow(RangeError);

    const { metrics, model } = trainForest(a.train, a.test, { seed: 42, trees: 25 });
    expect(metrics.accuracy).toBeGreaterThan(0.85);
    expect(metrics.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(metrics.matrix.flat().reduce((s, n) => s + n, 0)).toBe(45);
    expect(trainForest(a.train, a.test, { seed: 42, trees: 25 }).metrics).toEqual(metrics);
    expect(model.labels).toEqual(metrics.labels);
  });
});
