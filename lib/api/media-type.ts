// A Content-Type header read as a media type (RFC 9110 §8.3): the type/subtype before any parameter, compared
// exactly and case-insensitively, so `text/plain; x=application/json` is text, not JSON.

/** `type/subtype` in lower case, or null when the header is absent or not a media type. */
export function mediaTypeOf(header: string | null | undefined): string | null {
  const essence = (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(essence) ? essence : null;
}

export function isJsonMediaType(header: string | null | undefined): boolean {
  return mediaTypeOf(header) === 'application/json';
}
