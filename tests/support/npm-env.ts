// What npm needs from this process's environment to reach the registry, for a runtime whose tasks get only the
// variables a test or benchmark hands it (startTestRuntime, withBenchRuntime): where npm is, its config and cache
// (HOME), proxies, and extra CA certificates (behind a TLS-inspecting proxy npm fails with SELF_SIGNED_CERT_IN_CHAIN
// without them).
const NPM_NEEDS = /^(PATH|HOME|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|(HTTPS?|NO|ALL)_PROXY|npm_config_\w+)$/i;

export function npmEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && NPM_NEEDS.test(name)) out[name] = value;
  return out;
}
