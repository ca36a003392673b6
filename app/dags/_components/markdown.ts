// DAG and task docs (`doc`) as HTML. micromark is CommonMark without raw HTML: a `<script>` in a doc comes out as
// text, and a link or image to a `javascript:` (or any non-web) URL loses its target, so what a DAG file says can
// be shown as markup without becoming code in the page. Both are micromark's defaults; they are spelt out so that
// nobody turns them on for a richer rendering without seeing what they give up.
import { micromark } from 'micromark';

export function renderMarkdown(source: string): string {
  return micromark(source, { allowDangerousHtml: false, allowDangerousProtocol: false });
}
