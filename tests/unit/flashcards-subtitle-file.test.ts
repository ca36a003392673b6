import { describe, expect, it } from 'vitest';
import { decodeSubtitleBytes, readSubtitleFile, subtitleFileProblem, SUBTITLE_FILE_LIMITS } from '../../lib/flashcards/subtitle-file';

const CUE = '1\r\n00:00:01,000 --> 00:00:02,000\r\nÇa, c’est un cœur d’été.\r\n';
const utf8 = (text: string) => new TextEncoder().encode(text);
/** Windows-1252 bytes, as a French Windows editor saves them (œ is 0x9C there, not in Latin-1). */
const cp1252 = (text: string) => Uint8Array.from([...text], (ch) => ({ 'œ': 0x9c, '’': 0x92 })[ch] ?? ch.charCodeAt(0));

describe('reading a subtitle file', () => {
  it('reads UTF-8 with or without a BOM', () => {
    expect(readSubtitleFile({ name: 'film.srt' }, utf8(CUE))).toEqual({ ok: true, text: CUE, encoding: 'utf-8' });
    expect(readSubtitleFile({ name: 'film.srt' }, Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8(CUE)]))).toEqual({ ok: true, text: CUE, encoding: 'utf-8' });
  });

  it('falls back to Windows-1252 when the bytes are not UTF-8, so é, ç, œ and ’ survive', () => {
    expect(readSubtitleFile({ name: 'film.srt' }, cp1252(CUE))).toEqual({ ok: true, text: CUE, encoding: 'windows-1252' });
  });

  it('reads UTF-16 files that carry a BOM', () => {
    const le = Uint8Array.from([0xff, 0xfe, ...[...CUE].flatMap((ch) => [ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >> 8])]);
    expect(decodeSubtitleBytes(le)).toEqual({ text: CUE, encoding: 'utf-16le' });
  });

  it('names the file and the problem for another kind of file, a file too large, an empty one, a binary one', () => {
    expect(subtitleFileProblem({ name: 'notes.txt', size: 10 })).toMatchObject({ code: 'not_subtitles', message: expect.stringMatching(/^“notes\.txt” is not a subtitle file: choose an \.srt or \.vtt file/) });
    expect(subtitleFileProblem({ name: 'Film.SRT', size: 10 })).toBeNull();
    expect(subtitleFileProblem({ name: 'film.vtt', size: SUBTITLE_FILE_LIMITS.maxBytes + 1 })).toMatchObject({ code: 'too_large', message: '“film.vtt” is 2,097,153 bytes; a subtitle file may be at most 2 MB.' });
    expect(subtitleFileProblem({ name: 'film.vtt', size: 3_600_000 })?.message).toMatch(/is 3\.4 MB/);
    expect(subtitleFileProblem({ name: 'film.srt', size: 0 })).toMatchObject({ code: 'empty', message: '“film.srt” is empty.' });
    expect(readSubtitleFile({ name: 'film.srt' }, utf8('\uFEFF\r\n  \r\n'))).toMatchObject({ ok: false, problem: { code: 'empty' } });
    expect(readSubtitleFile({ name: 'film.srt' }, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))).toMatchObject({ ok: false, problem: { code: 'binary' } });
  });

  it('refuses a text file with a subtitle extension but no cues', () => {
    expect(readSubtitleFile({ name: 'liste.srt' }, utf8('la bagnole\nla thune\n'))).toMatchObject({
      ok: false,
      problem: { code: 'no_cues', message: expect.stringMatching(/^“liste\.srt” has no subtitle cues: .* 00:01:02,000 --> 00:01:04,500/) },
    });
  });
});
