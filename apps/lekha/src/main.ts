#!/usr/bin/env node
import { dataDir } from './paths.js';
import { devCommand } from './commands/dev.js';
import { kafkaCommand } from './commands/kafka.js';
import { auditCommand } from './commands/audit.js';
import { ledgersCommand } from './commands/ledgers.js';
import { complianceCommand } from './commands/compliance.js';

const HELP = `lekha — Lekha's command line

  lekha dev                 run the whole platform locally (broker if KAFKA_BROKERS is unset, topics, six services)
  lekha kafka provision     create or update every topic with its explicit config (idempotent)
  lekha kafka start         run only the local broker, provisioned
  lekha audit verify        re-read audit.events.v1 from the beginning; check every chain, signature
                            and checkpoint (--from-file F checks an export; --json; exit 1 on a problem)
  lekha audit export --out F   the raw audit topic and its checkpoints, for backup or later verification
  lekha audit tail [--tenant ID] [--action A]   audit events as they happen
  lekha ledgers verify      recompute every tenant ledger's hash chain from the billing database
                            (--database-url URL, or --pglite DIR while billing is stopped; --tenant ID;
                            --json; exit 1 on a broken chain)
  lekha compliance verify-certificate FILE   check a deletion certificate offline (--key BASE64 pins
                            the published signing key; --json; exit 1 with the reason when not valid)
  lekha compliance data-map  the platform's data map: every personal field by service, category and purpose
                            (--url URL or LEKHA_URL, --token T or LEKHA_TOKEN; --format text|json|html)
  lekha help                this text
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'dev':
      return devCommand(dataDir());
    case 'kafka':
      return kafkaCommand(rest, dataDir());
    case 'audit':
      return auditCommand(rest, dataDir());
    case 'ledgers':
      return ledgersCommand(rest, dataDir());
    case 'compliance':
      return complianceCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    default:
      process.stderr.write(`unknown command: ${command}\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`lekha: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
