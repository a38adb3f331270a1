/**
 * The build + pack script: test/package/tarball.e2e.test.ts runs it, the Dockerfile's
 * build stage must run it too (test/package/deploy.test.ts), so the two cannot drift.
 */
export const PACKAGE_SCRIPT = 'scripts/package.ts';
