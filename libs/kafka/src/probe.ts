import { Kafka, type Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { kafkaConfig } from './config.js';

/** Answers "is the broker reachable right now?" for readiness, cheaply. */
export class KafkaProbe {
  private admin: Admin | null = null;
  private readonly kafka: Kafka;
  constructor(clientId: string, brokers: string[], logger: Logger) {
    this.kafka = new Kafka({ ...kafkaConfig(`${clientId}-probe`, brokers, logger), retry: { retries: 0 } });
  }
  async check(): Promise<void> {
    try {
      if (!this.admin) {
        this.admin = this.kafka.admin();
        await this.admin.connect();
      }
      await this.admin.describeCluster();
    } catch (err) {
      const admin = this.admin;
      this.admin = null;
      await admin?.disconnect().catch(() => undefined);
      throw err;
    }
  }
  /**
   * Throws while the group coordinator cannot serve `groupId` (a fresh broker loads its offsets
   * topic for a while): a consumer that joins then crashes with a non-retriable error and stays down.
   */
  async coordinatorReady(groupId: string): Promise<void> {
    await this.check();
    await this.admin!.describeGroups([groupId]);
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}
