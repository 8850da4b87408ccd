import type { TestProject } from 'vitest/node';
import { startSqld } from './support/sqld.ts';
import './databases/types.ts';

// Global setup of the vitest project 'server-sqld': one real libSQL server with namespaces on, stopped after the
// run. Each harness then creates its own namespace (test/databases/node.ts): a fresh database per test.

export default async function startSqldForProject(project: TestProject) {
  const sqld = await startSqld({ namespaces: true });
  project.provide('sqld', { url: sqld.url, adminUrl: sqld.adminUrl });
  return sqld.stop;
}
