// `flashflow users …` and `flashflow tokens …` as a person types them, on a temp home with no server running
// (the commands open the embedded database themselves). Bad input is one `flashflow:` line and exit code 1.
// The commands run in this process; one runs as a process of its own, as a user's does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, makeHome, removeTempDirs, runCli, runCliInProcess } from '../support/cli-harness';

const dagsFolder = fixturePath('dags-cli');
let home: string;
const cli = (...args: string[]) => runCliInProcess(args, { home, dagsFolder, timeoutMs: 60_000 });
const cliProcess = (...args: string[]) => runCli(args, { home, dagsFolder, timeoutMs: 60_000 });

beforeAll(async () => {
  home = await makeHome();
});
afterAll(removeTempDirs);

describe('flashflow users', () => {
  it('creates users with Airflow\'s flags, lists them and resets a password', async () => {
    const created = await cli('users', 'create', '--username', 'Ana', '--firstname', 'Ana', '--lastname', 'Lima', '--role', 'Admin', '--email', 'ana@example.com', '--password', 'ana-password');
    expect(created.stdout.trim()).toBe('user ana created with role Admin');
    const random = await cli('users', 'create', '-u', 'vic', '-f', 'Vic', '-l', 'Tor', '-r', 'Viewer', '-e', 'vic@example.com', '--use-random-password');
    expect(random.stdout).toMatch(/^user vic created with role Viewer\npassword: [\w-]{16}\n$/);
    const list = await cli('users', 'list', '-o', 'json');
    expect((JSON.parse(list.stdout) as Array<{ username: string; role: string }>).map((u) => [u.username, u.role])).toEqual([['ana', 'Admin'], ['vic', 'Viewer']]);
    expect(list.stdout).not.toMatch(/password/i);
    const reset = await cli('users', 'reset-password', '-u', 'vic', '-p', 'another-password');
    expect(reset.stdout.trim()).toBe('password of vic reset');
  });

  it('refuses bad input in one line naming each field, and changes nothing', async () => {
    const r = await cliProcess('users', 'create', '-u', 'bad name', '-f', 'B', '-l', 'C', '-r', 'Boss', '-e', 'nope', '-p', 'short');
    expect(r.code).toBe(1);
    expect(r.stderrLines).toEqual(['flashflow: user: username: may contain only letters, digits and . _ @ -; email: must be an e-mail address; role: must be one of Viewer, User, Op, Admin; password: must be at least 8 characters']);
    const dup = await cli('users', 'create', '-u', 'ana', '-f', 'A', '-l', 'L', '-r', 'User', '-e', 'a@example.com', '-p', 'whatever-pw');
    expect(dup.stderrLines).toEqual(["flashflow: user 'ana' already exists"]);
    const noPassword = await cli('users', 'create', '-u', 'zed', '-f', 'Z', '-l', 'Z', '-r', 'User', '-e', 'z@example.com');
    expect(noPassword.stderrLines).toEqual(['flashflow: a password is required: --password <password> or --use-random-password']);
    const missing = await cli('users', 'delete', '-u', 'nobody');
    expect(missing.stderrLines).toEqual(["flashflow: user 'nobody' not found"]);
    const list = JSON.parse((await cli('users', 'list', '-o', 'json')).stdout) as unknown[];
    expect(list).toHaveLength(2);
  });

  it('refuses to delete the last Admin, and deletes others', async () => {
    expect((await cli('users', 'delete', '-u', 'ana')).stderrLines).toEqual(["flashflow: 'ana' is the last Admin; create another Admin before deleting it"]);
    expect((await cli('users', 'delete', '-u', 'vic')).stdout.trim()).toBe('user vic deleted');
  });
});

describe('flashflow tokens', () => {
  it('prints a new token once, lists tokens without secrets, and revokes one', async () => {
    const created = await cli('tokens', 'create', '-u', 'ana', '-n', 'ci');
    const [intro, token] = created.stdout.trim().split('\n');
    expect(intro).toBe('API token 1 (ci) for ana; copy it now, it is not shown again:');
    expect(token).toMatch(/^ff_[\w-]{43}$/);
    const list = await cli('tokens', 'list');
    expect(list.stdout).toContain(`${token!.slice(0, 9)}…`);
    expect(list.stdout).not.toContain(token!);
    expect(list.stdout).toMatch(/\| active$/m);
    expect((await cli('tokens', 'revoke', '1')).stdout.trim()).toBe('API token 1 (ci) of ana revoked');
    expect((await cli('tokens', 'list')).stdout).toMatch(/\| revoked$/m);
    expect((await cli('tokens', 'revoke', 'x')).stderrLines).toEqual(['flashflow: tokens revoke: id: must be a token id (a number; see flashflow tokens list)']);
  });
});
