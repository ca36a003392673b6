// A masker for what a process's environment holds: import errors and plugin failures are shown in the UI, the API
// and `flashflow dags list`, and a plugin that throws with its API key in the message must not publish it there.
import { isSensitiveKey } from '../connections/connection-model';
import { SecretMasker } from './secret-masker';

/** Values whose name says they are secret, and the passwords inside connection and database URLs. */
export function envSecretMasker(env: Record<string, string | undefined>): SecretMasker {
  const masker = new SecretMasker();
  for (const [key, value] of Object.entries(env)) {
    if (!value) continue;
    if (isSensitiveKey(key)) masker.add(value);
    if (key.startsWith('FLASHFLOW_CONN_') && value.trim().startsWith('{')) masker.addConnection(jsonOrNull(value));
    else if (key.startsWith('FLASHFLOW_CONN_') || key.endsWith('_URL') || key.endsWith('_URI')) masker.add(urlPassword(value));
  }
  return masker;
}

function urlPassword(value: string): string | null {
  try {
    return decodeURIComponent(new URL(value).password) || null;
  } catch {
    return null;
  }
}

function jsonOrNull(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}
