/** Whether dispatched messages are also copied to the development inbox (everywhere but production). */
export class DevInboxCopies {
  constructor(readonly enabled: boolean) {}
}
