import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server';

/** Once per run of the `server-postgres` project: a throwaway PostgreSQL, unless one is named. */
export default async function setup(project: TestProject) {
  const named = process.env.CONFAB_TEST_DATABASE_URL;
  if (named) {
    project.provide('postgresUrl', named);
    return;
  }
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
