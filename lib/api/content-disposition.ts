// RFC 6266 Content-Disposition: an ASCII fallback name for old clients and the UTF-8 name (deck names are movie
// titles with accents, artifact names are whatever a task wrote).
export function contentDisposition(kind: 'attachment' | 'inline', filename: string, fallback: string): string {
  const ascii = filename.normalize('NFD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '_') || fallback;
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
