import pg from 'pg';
import { connectProblem, describeUrl } from './postgres-db.ts';
import { tenantSchema } from './prepare-postgres.ts';

/**
 * `spoc check` for a Postgres state: the server answers within the connect timeout, the
 * credentials and database are right, and the tenant's schema exists or may be created.
 * Reads only: nothing is created or migrated (the first run does that).
 */
export async function checkPostgresState(
  url: string,
  tenant: string,
  connectTimeoutMs = 10_000,
): Promise<{ where: string; problems: string[] }> {
  const where = `${describeUrl(url)}, tenant ${tenant}`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    return { where, problems: [connectProblem(error)] };
  }
  try {
    const { rows } = await client.query<{ exists: boolean; create: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists,
              has_database_privilege(current_user, current_database(), 'CREATE') AS create`,
      [tenantSchema(tenant)],
    );
    const row = rows[0];
    if (row && !row.exists && !row.create)
      return {
        where,
        problems: [`the tenant's schema ${tenantSchema(tenant)} does not exist and this user may not create it`],
      };
    return { where, problems: [] };
  } finally {
    await client.end().catch(() => undefined);
  }
}
