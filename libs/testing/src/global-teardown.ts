import { rm } from 'node:fs/promises';
// Global hooks get no path mapping, so a relative `.js` import finds no file: through the built package.
// eslint-disable-next-line @nx/enforce-module-boundaries -- see above
import { stopSharedTestPlatform } from '@lekha/testing';

export default async function globalTeardown(): Promise<void> {
  await stopSharedTestPlatform().catch((err: Error) => process.stderr.write(`shared platform: ${err.message}\n`));
  if (process.env.LEKHA_TEST_RUN_DIR) await rm(process.env.LEKHA_TEST_RUN_DIR, { recursive: true, force: true });
  const state = globalThis.__LEKHA_TEST_KAFKA__;
  await state?.kafka?.stop();
  if (state?.dir) await rm(state.dir, { recursive: true, force: true });
}
