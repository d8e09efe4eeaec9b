// Preloaded into a service (`LEKHA_NODE_ARGS='--import <this file>'` with BENCH_SQL_COUNT_DIR set): counts the
// statements the process sends to PostgreSQL through `pg` and writes the count to <dir>/<pid>.sql twice a
// second, so a benchmark can report statements per message; and the requests it sends to Kafka through
// kafkajs, by API (Produce, Fetch, …), to <dir>/<pid>.kafka as JSON. Not for production use.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const dir = process.env.BENCH_SQL_COUNT_DIR;
if (dir) {
  let count = 0;
  // The root `pg` and the copy MikroORM's driver may carry of its own.
  const clients = new Set();
  const root = process.cwd();
  for (const from of [join(root, 'package.json'), join(root, 'node_modules/@mikro-orm/postgresql/package.json')]) {
    try {
      clients.add(createRequire(from)('pg').Client);
    } catch {
      // not installed there
    }
  }
  // BENCH_SQL_TEXTS=1: also counts each statement's text (its first 100 characters, literals blanked) to
  // <dir>/<pid>.sqltext as JSON, to see which statements a path sends.
  const texts = process.env.BENCH_SQL_TEXTS ? new Map() : null;
  for (const Client of clients) {
    const query = Client.prototype.query;
    Client.prototype.query = function (...args) {
      count++;
      if (texts) {
        const raw = typeof args[0] === 'string' ? args[0] : (args[0]?.text ?? '?');
        const key = raw
          .replace(/'(?:[^']|'')*'/g, "'…'")
          .replace(/\s+/g, ' ')
          .slice(0, 100);
        texts.set(key, (texts.get(key) ?? 0) + 1);
      }
      return query.apply(this, args);
    };
  }
  const kafka = {};
  try {
    const Connection = createRequire(join(root, 'package.json'))('kafkajs/src/network/connection.js');
    const send = Connection.prototype.send;
    Connection.prototype.send = function (args) {
      const api = args?.request?.apiName ?? 'unknown';
      kafka[api] = (kafka[api] ?? 0) + 1;
      return send.call(this, args);
    };
  } catch {
    // kafkajs not installed here
  }
  const file = join(dir, `${process.pid}.sql`);
  const write = () => {
    try {
      writeFileSync(file, String(count));
      writeFileSync(join(dir, `${process.pid}.kafka`), JSON.stringify(kafka));
      if (texts) writeFileSync(join(dir, `${process.pid}.sqltext`), JSON.stringify(Object.fromEntries(texts)));
    } catch {
      // the benchmark's directory is gone
    }
  };
  setInterval(write, 500).unref();
  process.on('exit', write);
}
