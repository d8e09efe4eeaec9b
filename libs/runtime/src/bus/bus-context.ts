import { BaseRpcContext } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
import type { KafkaHeaders } from '@lekha/tenancy';

type BusContextArgs = [message: KafkaMessage, op: string, topic: string, partition: number];

/**
 * What a bus handler gets beside its payload (`@Ctx()`): the Kafka message with its headers, and
 * the operation it was sent for (`x-lekha-op` on a request; the topic for an event).
 */
export class BusContext extends BaseRpcContext<BusContextArgs> {
  getMessage(): KafkaMessage {
    return this.args[0];
  }

  getHeaders(): KafkaHeaders {
    return (this.args[0].headers ?? {}) as KafkaHeaders;
  }

  /** The operation (RPC pattern) asked for, or the event topic. */
  getOp(): string {
    return this.args[1];
  }

  getTopic(): string {
    return this.args[2];
  }

  getPartition(): number {
    return this.args[3];
  }
}
