/** Settings the service's own bus client needs (from the validated config). */
export class NotificationsOptions {
  constructor(
    readonly brokers: string[],
    readonly rpcTimeoutMs: number,
    readonly checkReplies: boolean,
  ) {}
}
