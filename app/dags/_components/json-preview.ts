// A JSON value as the task-instance page shows it: indented, and cut at a size a page can carry (an XCom may be up
// to the XCom limit, a megabyte by default), saying how much was left out.

export interface JsonPreview {
  text: string;
  /** Characters of the whole indented text. */
  total: number;
  cut: boolean;
}

export function previewJson(value: unknown, maxChars: number): JsonPreview {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  if (text.length <= maxChars) return { text, total: text.length, cut: false };
  // Never end on the first half of a surrogate pair: the page would show a broken character.
  const last = text.charCodeAt(maxChars - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? maxChars - 1 : maxChars;
  return { text: text.slice(0, end), total: text.length, cut: true };
}
