// Types for anki-apkg-export 4.0.3 (CommonJS compiled by Babel, no bundled types). Besides the documented
// `addCard`/`save`, export-apkg.ts uses the exporter's sql.js database and the deck/model ids its constructor creates
// (pinned version; tests/unit/flashcards-export.test.ts reads the resulting package back).
declare module 'anki-apkg-export' {
  export interface AnkiTemplate {
    questionFormat?: string;
    answerFormat?: string;
    css?: string;
  }
  /** sql.js 0.5 statement. */
  export interface SqlJsStatement {
    run(values?: Array<string | number | null>): void;
    free(): boolean;
  }
  export interface AnkiExporter {
    addCard(front: string, back: string, options?: { tags?: string[] | string }): void;
    save(options?: Record<string, unknown>): Promise<Buffer>;
    db: { prepare(sql: string): SqlJsStatement; exec(sql: string): unknown; close(): void };
    topDeckId: number;
    topModelId: number;
    separator: string;
  }
  const createExporter: (deckName: string, template?: AnkiTemplate) => AnkiExporter;
  export default createExporter;
}
