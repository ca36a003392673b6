// Text that may hold JSON, as Airflow reads variable values and extra fields: the JSON value when it parses, else
// the text itself.
export function jsonOrText(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
