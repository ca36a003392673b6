// DAG and task docs are Markdown from DAG files: rendered as markup, never as code in the page.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../app/dags/_components/markdown';

describe('renderMarkdown', () => {
  it('renders headings, emphasis, lists, code and web links', () => {
    const html = renderMarkdown('# Retrain\n\nRuns **weekly**; see [the guide](https://example.com/guide) or [a page](docs/a.md).\n\n- one\n- `two`');
    expect(html).toContain('<h1>Retrain</h1>');
    expect(html).toContain('<strong>weekly</strong>');
    expect(html).toContain('<a href="https://example.com/guide">the guide</a>');
    expect(html).toContain('<a href="docs/a.md">a page</a>');
    expect(html).toContain('<li><code>two</code></li>');
  });

  it('turns raw HTML into text: a script tag, an event handler, an iframe', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\nText <iframe src="https://evil.example"></iframe>');
    expect(html).not.toMatch(/<script|<img|<iframe/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('drops the target of javascript:, vbscript: and data: links and images, however they are spelt', () => {
    const sources = [
      '[a](javascript:alert(1))',
      '[b](JaVaScRiPt:alert(1))',
      '[c](java&#x09;script:alert(1))',
      '[d](&#106;avascript:alert(1))',
      '<javascript:alert(1)>',
      '[e](vbscript:msgbox(1))',
      '[f](data:text/html;base64,PHNjcmlwdD4=)',
      '![g](javascript:alert(1))',
      '[h][ref]\n\n[ref]: javascript:alert(1)',
    ];
    for (const source of sources) {
      const html = renderMarkdown(source);
      expect(html, source).not.toMatch(/(href|src)="(?!")/);
      expect(html, source).not.toMatch(/(href|src)="[^"]*(script|data):/i);
    }
  });
});
