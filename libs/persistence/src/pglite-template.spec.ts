import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ensurePgliteTemplate, seedPgliteDir } from './pglite-template.js';

describe('PGlite cluster template', () => {
  it('seeds an empty directory with a working cluster, and leaves one in use alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lekha-pglite-seed-'));
    try {
      expect(existsSync(await ensurePgliteTemplate())).toBe(true);
      await seedPgliteDir(dir);
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
      const pg = await PGlite.create({ dataDir: dir });
      await pg.exec('create table kept (a int); insert into kept values (7)');
      await pg.close();
      await seedPgliteDir(dir);
      const again = await PGlite.create({ dataDir: dir });
      expect((await again.query<{ a: number }>('select a from kept')).rows).toEqual([{ a: 7 }]);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
