import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePlatformAdminPasswordFile } from './platform-admin-file.js';

describe('ensurePlatformAdminPasswordFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lekha-admin-file-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a long random password once, readable only by its owner, and keeps it afterwards', async () => {
    const path = join(dir, 'nested', 'platform-admin.password');
    const first = await ensurePlatformAdminPasswordFile(path);
    expect(first).toEqual({ path, created: true });
    const password = (await readFile(path, 'utf8')).trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const second = await ensurePlatformAdminPasswordFile(path);
    expect(second).toEqual({ path, created: false });
    expect((await readFile(path, 'utf8')).trim()).toBe(password);
    const other = join(dir, 'other.password');
    await ensurePlatformAdminPasswordFile(other);
    expect((await readFile(other, 'utf8')).trim()).not.toBe(password);
  });
});
