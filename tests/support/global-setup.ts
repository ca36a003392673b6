// Vitest globalSetup: builds (or finds cached) the migrated template once per run and hands its path to the workers.
import type { TestProject } from 'vitest/node';
import { ensureTemplateFile } from './db-template';

declare module 'vitest' {
  export interface ProvidedContext {
    flashflowDbTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide('flashflowDbTemplate', await ensureTemplateFile());
}
