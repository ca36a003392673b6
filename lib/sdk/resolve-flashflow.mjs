// A Node module resolution hook: `flashflow` resolves to this SDK wherever the importing file is, so a DAG folder
// outside the project (FLASHFLOW_DAGS_FOLDER) imports the SDK of the Flashflow that runs it, one copy for all.
const SDK_URL = new URL('./index.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  // Passed on (not short-circuited), so tsx's own hook still resolves the TypeScript file it names.
  return nextResolve(specifier === 'flashflow' ? SDK_URL : specifier, context);
}
