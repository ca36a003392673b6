// Four major versions of one npm package in one DAG, each task in its own npm environment that sees only what it
// declares (Airflow's PythonVirtualenvOperator with system_site_packages=False). Walkthrough:
// docs/examples/isolated-dependencies.md.
import { dag, isolatedEnv, z } from 'flashflow';

/**
 * Plain Node runs this inside the task's environment, so it is JavaScript, not TypeScript. It reports the copy of
 * `filesize` that resolved there, read from that copy's package.json, and what that copy makes of `params.bytes`.
 */
const FILESIZE_PROBE = String.raw`
import * as filesize from 'filesize';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Walks up from the file the import resolved to: 'filesize/package.json' cannot be imported from 11 on, whose
// "exports" field hides every path it does not list.
function loadedPackage() {
  const entry = fileURLToPath(import.meta.resolve('filesize'));
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.name === 'filesize') return { dir, version: pkg.version };
  }
  throw new Error('no package.json of filesize above ' + entry);
}

export default function ({ params }) {
  // Up to 9 the package is one function, its default export; 10 adds the named export and 11 drops the default.
  const format = filesize.filesize ?? filesize.default;
  const { dir, version } = loadedPackage();
  return { version, loadedFrom: dir, exports: Object.keys(filesize).sort(), formatted: format(params.bytes) };
}
`;

/** A task that runs the probe in an environment holding exactly `requirements` (exact versions, `name@x.y.z`). */
export const filesizeTask = (requirements: string[]) => isolatedEnv({ requirements, code: FILESIZE_PROBE });

const isolatedDependencies = dag({
  dagId: 'isolated_dependencies',
  description: 'Four major versions of filesize side by side, each task in its own npm environment',
  // Nothing here changes from week to week: it is run to see (or check) how isolation works.
  schedule: null,
  tags: ['example', 'isolated-env'],
  params: z.object({ bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1024) }),
  // An install may meet a registry hiccup (retried); an unknown version or an undeclared import fails at once.
  defaultArgs: { owner: 'flashflow', retries: 1, retryDelay: '30s', executionTimeout: '5m' },
  doc: `
Four tasks, each declaring a different major version of [filesize](https://www.npmjs.com/package/filesize), a
zero-dependency formatter of byte counts. Each runs in **its own npm environment** holding only that version, built
on first use and cached; none of them can import the app's \`node_modules\` (Airflow's \`PythonVirtualenvOperator\`
with \`system_site_packages=False\`).

Each task returns the version it actually loaded (read from the package that resolved in its environment), where
it was loaded from, the package's exports and how it formats \`bytes\` (param, default 1024):

| task | version | 1024 bytes | exports |
|---|---|---|---|
| \`filesize_v6\` | 6.4.0 | 1 KB | \`default\` |
| \`filesize_v8\` | 8.0.7 | 1.02 kB (SI units became the default) | \`default\` |
| \`filesize_v10\` | 10.1.6 | 1.02 kB | \`default\`, \`filesize\`, \`partial\` |
| \`filesize_v11\` | 11.0.35 | 1.02 kB | \`filesize\`, \`partial\` (no default export) |

A task that imports a package it did not declare fails at once, naming the package; an unknown version fails with
npm's own message in the task's log. See \`docs/examples/isolated-dependencies.md\`.
`,
});

isolatedDependencies.task('filesize_v6', filesizeTask(['filesize@6.4.0']));
isolatedDependencies.task('filesize_v8', filesizeTask(['filesize@8.0.7']));
isolatedDependencies.task('filesize_v10', filesizeTask(['filesize@10.1.6']));
isolatedDependencies.task('filesize_v11', filesizeTask(['filesize@11.0.35']));

export default isolatedDependencies;
