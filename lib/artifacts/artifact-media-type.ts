// How an artifact is served: its media type from its name, and whether a browser may show it in place. Only types
// a browser displays without a plugin are inline; anything else (PDFs, models, archives) downloads.

interface MediaType {
  type: string;
  inline: boolean;
}

const TEXT = (subtype: string): MediaType => ({ type: `text/${subtype}; charset=utf-8`, inline: true });
const IMAGE = (subtype: string): MediaType => ({ type: `image/${subtype}`, inline: true });

const BY_EXTENSION = new Map<string, MediaType>(Object.entries({
  html: TEXT('html'),
  htm: TEXT('html'),
  txt: TEXT('plain'),
  log: TEXT('plain'),
  md: TEXT('markdown'),
  csv: TEXT('csv'),
  tsv: TEXT('tab-separated-values'),
  json: { type: 'application/json', inline: true },
  svg: IMAGE('svg+xml'),
  png: IMAGE('png'),
  jpg: IMAGE('jpeg'),
  jpeg: IMAGE('jpeg'),
  gif: IMAGE('gif'),
  webp: IMAGE('webp'),
  pdf: { type: 'application/pdf', inline: false },
  zip: { type: 'application/zip', inline: false },
}));

const UNKNOWN: MediaType = { type: 'application/octet-stream', inline: false };

export function artifactMediaType(name: string): MediaType {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return UNKNOWN;
  return BY_EXTENSION.get(name.slice(dot + 1).toLowerCase()) ?? UNKNOWN;
}
