import { describe, expect, it } from 'vitest';
import { looksLikeSubtitles, subtitleDialogue } from '../../lib/flashcards/parse-subtitles';

const SRT = `1
00:00:01,000 --> 00:00:03,500
<i>J'ai une bagnole.</i>

2
00:00:04,000 --> 00:00:06,000
- T'as vu l'heure ?
- {\\an8}Ma bagnole est en panne ! [moteur]

3
00:00:07,000 --> 00:00:09,000
♪ La thune, la thune ♪
`;

const VTT = `WEBVTT
Kind: captions

NOTE this cue was fixed by hand
and spans two lines

00:00:01.000 --> 00:00:02.000 align:start
<v Amélie>Aujourd’hui, j’ai <b>kiffé</b>.</v>

intro
00:00:02.500 --> 00:00:04.000
(rires) C'est chelou.
`;

describe('subtitles', () => {
  it('recognizes .srt and .vtt text and nothing else', () => {
    expect(looksLikeSubtitles(SRT)).toBe(true);
    expect(looksLikeSubtitles(VTT)).toBe(true);
    expect(looksLikeSubtitles('la bagnole\nla thune')).toBe(false);
  });

  it('keeps only the dialogue: no numbers, timestamps, headers, notes, tags or sound descriptions', () => {
    expect(subtitleDialogue(SRT)).toEqual(["J'ai une bagnole.", "T'as vu l'heure ?", 'Ma bagnole est en panne !', 'La thune, la thune']);
    expect(subtitleDialogue(VTT)).toEqual(['Aujourd’hui, j’ai kiffé.', "C'est chelou."]);
  });

  it('drops the speaker labels of subtitles for the hard of hearing, not a colon inside a line', () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,000\nJEAN : On se casse.\nM. DUPONT: Attendez !\n\n2\n00:00:03,000 --> 00:00:04,000\nRegarde : la mer.\n';
    expect(subtitleDialogue(srt)).toEqual(['On se casse.', 'Attendez !', 'Regarde : la mer.']);
  });
});
