// The vocabulary of the flashcard benchmark: short distinct words, so every scripted card is valid.
export function benchWords(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `mot${String(i).padStart(3, '0')}`);
}
