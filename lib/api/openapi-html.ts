// A small, self-contained HTML rendering of the OpenAPI document for /api/v1/ui: every operation with its
// parameters, body and responses, and every schema. No scripts, no CDN: the page works offline.
import type { OpenApiDocument, OpenApiOperation } from './openapi';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function schemaName(schema: Record<string, unknown> | undefined): string {
  const ref = schema?.$ref;
  if (typeof ref === 'string') {
    const name = ref.split('/').pop()!;
    return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  }
  if (schema?.type === 'array') return `${schemaName(schema.items as Record<string, unknown>)}[]`;
  return esc(String(schema?.type ?? 'object'));
}

function operationHtml(path: string, method: string, op: OpenApiOperation): string {
  const params = op.parameters
    .map((p) => `<li><code>${esc(p.name)}</code> <small>(${p.in}${p.required ? ', required' : ''})</small> ${schemaName(p.schema)}${p.description ? ` — ${esc(p.description)}` : ''}</li>`)
    .join('');
  const body = op.requestBody ? `<p>Body: ${schemaName(op.requestBody.content['application/json']?.schema)}</p>` : '';
  const responses = Object.entries(op.responses)
    .map(([status, r]) => {
      const content = r.content ? Object.entries(r.content).map(([type, c]) => `${schemaName(c.schema)} <small>${esc(type)}</small>`).join(', ') : '';
      return `<li><b>${status}</b> ${esc(r.description)} ${content}</li>`;
    })
    .join('');
  return `<section class="op" id="${esc(op.operationId)}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>/api/v1${esc(path)}</code></h3>
<p>${esc(op.summary)}${op.description ? `<br><small>${esc(op.description)}</small>` : ''}</p>
${params ? `<ul>${params}</ul>` : ''}${body}<ul>${responses}</ul></section>`;
}

export function openApiHtml(doc: OpenApiDocument): string {
  const ops = Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })))
    .sort((a, b) => a.op.tags[0]!.localeCompare(b.op.tags[0]!) || a.path.localeCompare(b.path));
  let tag = '';
  const body = ops
    .map(({ path, method, op }) => {
      const header = op.tags[0] !== tag ? `<h2>${esc((tag = op.tags[0]!))}</h2>` : '';
      return header + operationHtml(path, method, op);
    })
    .join('\n');
  const schemas = Object.entries(doc.components.schemas)
    .map(([name, s]) => `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3><pre>${esc(JSON.stringify(s, null, 2))}</pre></section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font-family:ui-monospace,monospace}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}
.op{border-top:1px solid #ddd;padding:.25rem 0}.m{display:inline-block;min-width:4.5em;font-size:12px;color:#fff;border-radius:3px;text-align:center;padding:1px 4px}
.get{background:#2b7bb9}.post{background:#2f9e44}.patch{background:#d9822b}.delete{background:#c92a2a}
</style></head><body>
<h1>${esc(doc.info.title)}</h1>
<p>${esc(doc.info.description)} Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI ${esc(doc.openapi)}).</p>
${body}
<h2>Schemas</h2>
${schemas}
</body></html>`;
}
