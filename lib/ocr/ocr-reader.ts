// Real OCR for the `extract_text` step: Tesseract's LSTM engine compiled to WebAssembly (tesseract.js), with its
// English model read from the installed @tesseract.js-data/eng package. Nothing is fetched: left to its defaults,
// tesseract.js downloads the model from a CDN and caches a copy in the working directory.
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { NonRetriableError } from '../engine/task-context';

const LANG = 'eng';
const DATA_PACKAGE = '@tesseract.js-data/eng';
/** The LSTM-only model: the engine we run, at a quarter of the size of the one that also holds the legacy engine's. */
const MODEL_VERSION_DIR = '4.0.0_best_int';
const INSTALL = 'install it in the Flashflow folder: npm install tesseract.js@7.0.0 @tesseract.js-data/eng@1.0.0';

export interface OcrReader {
  read(imagePath: string): Promise<{ text: string; confidence: number }>;
  close(): Promise<void>;
}

/** The folder of the installed English model; a NonRetriableError that says what to install when there is none. */
export function englishModelDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve(`${DATA_PACKAGE}/package.json`);
    return path.join(path.dirname(pkg), MODEL_VERSION_DIR);
  } catch {
    throw new NonRetriableError(`OCR language data missing: the npm package ${DATA_PACKAGE} is not installed; ${INSTALL}`);
  }
}

/** A reader for one batch of images; close it when done, it holds a worker thread. */
export async function openOcrReader(modelDir: string): Promise<OcrReader> {
  const model = path.join(modelDir, `${LANG}.traineddata.gz`);
  await access(model).catch(() => {
    throw new NonRetriableError(`OCR language data missing: ${model} does not exist; ${INSTALL}`);
  });
  // Imported here, not at the top: the DAG file is parsed often, and the engine is a few megabytes of WebAssembly.
  const tesseract = await import('tesseract.js').catch((err: Error) => {
    throw new NonRetriableError(`OCR engine missing: tesseract.js could not be loaded (${err.message}); ${INSTALL}`);
  });
  // A local langPath is read from disk; cacheMethod 'none' neither reads nor writes the cache in the working directory.
  const worker = await tesseract
    .createWorker(LANG, tesseract.OEM.LSTM_ONLY, { langPath: modelDir, gzip: true, cacheMethod: 'none' })
    .catch((err: unknown) => {
      throw new NonRetriableError(`OCR could not load its ${LANG} model from ${model}: ${String(err)}; reinstall it: ${INSTALL}`);
    });
  return {
    read: async (imagePath) => {
      const { data } = await worker.recognize(imagePath).catch((err: unknown) => {
        // tesseract.js rejects with a bare string; a file it cannot decode stays undecodable.
        throw new NonRetriableError(`OCR could not read ${path.basename(imagePath)}: ${String(err)}`);
      });
      return { text: data.text.trim(), confidence: Math.round(data.confidence) };
    },
    close: async () => {
      await worker.terminate();
    },
  };
}
