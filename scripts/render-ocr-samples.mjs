#!/usr/bin/env node
// Renders the sample images images_to_text reads by default (workflows/data/ocr/*.png): a few lines of small
// blue text on a tinted gradient, a stand-in for a phone photo of a note, so that process_images has something to
// clean up. The PNGs are committed; run this again only to change them: node scripts/render-ocr-samples.mjs
import { Buffer } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const PAGES = {
  weather: ['Rain clouds gather over the harbour', 'Strong wind and cold rain tonight', 'Sunny skies return on Friday', 'Wind and rain ease by the weekend'],
  kitchen: ['Whisk the eggs with butter and sugar', 'Bake the bread in a hot oven', 'Slice the onions and fry them in butter', 'Bake the cake until it is golden'],
  football: ['The striker scored a late goal', 'Fans cheered when the team won the match', 'The keeper saved a penalty kick', 'A late goal won the match for the team'],
};

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'workflows', 'data', 'ocr');
mkdirSync(folder, { recursive: true });
const LINE = 20;
for (const [name, lines] of Object.entries(PAGES)) {
  const height = 16 + LINE * lines.length;
  const text = lines.map((l, i) => `<text x="10" y="${22 + i * LINE}">${l}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f3e9c6"/><stop offset="1" stop-color="#d9e4ef"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <g font-family="DejaVu Sans" font-size="13" fill="#3a3f7a">${text}</g>
  </svg>`;
  const out = path.join(folder, `${name}.png`);
  const info = await sharp(Buffer.from(svg)).png({ palette: true, colours: 32 }).toFile(out);
  process.stdout.write(`${out}: ${info.width}×${info.height}, ${info.size} bytes\n`);
}
