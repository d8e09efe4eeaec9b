import { readFileSync } from 'node:fs';
import { parseMasterKey } from '@lekha/crypto';
import { ConfigError } from './config.js';

/** The master key comes from LEKHA_MASTER_KEY or LEKHA_MASTER_KEY_FILE (a KMS in production). */
export function loadMasterKey(
  config: { LEKHA_MASTER_KEY?: string; LEKHA_MASTER_KEY_FILE?: string },
  variable = 'LEKHA_MASTER_KEY_FILE',
): Buffer {
  if (config.LEKHA_MASTER_KEY) return parseMasterKey(config.LEKHA_MASTER_KEY);
  if (config.LEKHA_MASTER_KEY_FILE) {
    try {
      return parseMasterKey(readFileSync(config.LEKHA_MASTER_KEY_FILE, 'utf8'));
    } catch (err) {
      throw new ConfigError(variable, `cannot be read: ${(err as Error).message}`);
    }
  }
  throw new ConfigError('LEKHA_MASTER_KEY', 'is required but not set (or set LEKHA_MASTER_KEY_FILE)');
}
