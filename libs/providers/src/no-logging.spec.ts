import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Recipients, texts and webhook bodies pass through here: the library itself never logs. */
describe('libs/providers logs nothing', () => {
  const root = new URL('.', import.meta.url).pathname;
  const sources = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && f !== 'spec-support.ts')
    .map((f) => [f, readFileSync(join(root, f), 'utf8')] as const);

  it('finds the sources', () => {
    expect(sources.map(([f]) => f)).toEqual(expect.arrayContaining(['msg91.ts', 'smtp.ts', 'webhooks/meta.ts']));
  });

  it.each(['console.', 'process.stdout', 'process.stderr', "from 'pino'", 'logger: true', 'debug: true'])(
    'no source uses %j',
    (needle) => {
      expect(sources.filter(([, text]) => text.includes(needle)).map(([f]) => f)).toEqual([]);
    },
  );
});
