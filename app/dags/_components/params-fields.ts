// The trigger form, generated from a DAG's params JSON Schema: one field per property, defaults prefilled, and the
// values turned back into a typed `conf` object. Pure, so the same rules hold wherever the form is shown.

export type FieldKind = 'text' | 'textarea' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

export interface ParamField {
  name: string;
  kind: FieldKind;
  required: boolean;
  nullable: boolean;
  description: string | null;
  defaultValue: unknown;
  hasDefault: boolean;
  options: string[];
  min?: number;
  max?: number;
  maxLength?: number;
}

type Schema = Record<string, unknown>;

/** Textareas for free text that spans lines: the flashcard vocabulary, and any long-text param. */
const TEXTAREA_NAMES = new Set(['vocabulary', 'text', 'notes', 'description', 'doc', 'sql', 'query']);

function typesOf(s: Schema): { types: string[]; nullable: boolean; core: Schema } {
  if (Array.isArray(s.anyOf)) {
    const branches = s.anyOf as Schema[];
    const nonNull = branches.filter((b) => b.type !== 'null');
    const core = nonNull.length === 1 ? { ...s, ...nonNull[0] } : s;
    return { types: nonNull.length === 1 ? typesOf(nonNull[0]!).types : ['json'], nullable: nonNull.length < branches.length, core };
  }
  const t = s.type;
  const list = Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
  return { types: list.filter((x) => x !== 'null'), nullable: list.includes('null'), core: s };
}

export function paramFields(schema: Schema | null | undefined): ParamField[] {
  const props = (schema?.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  const fields = Object.entries(props).map(([name, prop]): ParamField => {
    const { types, nullable, core } = typesOf(prop);
    const type = types.length === 1 ? types[0] : 'json';
    const options = Array.isArray(core.enum) ? (core.enum as unknown[]).filter((v) => v !== null).map(String) : [];
    let kind: FieldKind;
    if (options.length > 0) kind = 'enum';
    else if (type === 'string') kind = TEXTAREA_NAMES.has(name) || (typeof core.maxLength === 'number' && core.maxLength > 500) ? 'textarea' : 'text';
    else if (type === 'integer') kind = 'integer';
    else if (type === 'number') kind = 'number';
    else if (type === 'boolean') kind = 'boolean';
    else kind = 'json';
    return {
      name,
      kind,
      required: required.has(name) && !('default' in prop),
      nullable,
      description: typeof prop.description === 'string' ? prop.description : null,
      defaultValue: prop.default,
      hasDefault: 'default' in prop,
      options,
      min: typeof core.minimum === 'number' ? core.minimum : undefined,
      max: typeof core.maximum === 'number' ? core.maximum : undefined,
      maxLength: typeof core.maxLength === 'number' ? core.maxLength : undefined,
    };
  });
  // jsonb does not keep the author's key order; required fields first is the next best thing.
  return fields.sort((a, b) => Number(b.required) - Number(a.required));
}

export type FormValues = Record<string, string | boolean>;

export function initialValues(fields: ParamField[]): FormValues {
  return Object.fromEntries(
    fields.map((f) => {
      const d = f.defaultValue;
      if (f.kind === 'boolean') return [f.name, d === true];
      if (!f.hasDefault || d === null || d === undefined) return [f.name, ''];
      if (f.kind === 'json') return [f.name, JSON.stringify(d, null, 2)];
      return [f.name, String(d)];
    }),
  );
}

/**
 * The conf to send, or the fields the browser can already tell are wrong (unparsable number or JSON). Empty
 * optional fields are left out so the DAG's defaults apply; everything else is the server's to validate.
 */
export function buildConf(fields: ParamField[], values: FormValues): { conf: Record<string, unknown> } | { errors: Record<string, string> } {
  const conf: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = values[f.name];
    if (f.kind === 'boolean') {
      conf[f.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '') {
      if (f.required && (f.kind === 'text' || f.kind === 'textarea')) conf[f.name] = text;
      else if (f.required) errors[f.name] = 'required';
      else if (f.nullable && !f.hasDefault) conf[f.name] = null;
      continue;
    }
    if (f.kind === 'number' || f.kind === 'integer') {
      const n = Number(text);
      if (!Number.isFinite(n)) errors[f.name] = 'enter a number';
      else if (f.kind === 'integer' && !Number.isInteger(n)) errors[f.name] = 'enter a whole number';
      else conf[f.name] = n;
    } else if (f.kind === 'json') {
      try {
        conf[f.name] = JSON.parse(text);
      } catch {
        errors[f.name] = 'enter valid JSON';
      }
    } else {
      conf[f.name] = text;
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { conf };
}

/** Server field paths (`conf.count`, `conf.words.0`) → the form field they belong to. */
export function fieldOfPath(path: string): string | null {
  const parts = path.split('.');
  if (parts[0] === 'conf' && parts.length > 1) return parts[1]!;
  return null;
}
