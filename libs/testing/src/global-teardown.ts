import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__LEKHA_TEST_KAFKA__;
  await state?.kafka?.stop();
  if (state?.dir) await rm(state.dir, { recursive: true, force: true });
}
