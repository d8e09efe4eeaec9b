/** kafkajs' per-connection request queue (CommonJS, untyped): patched by request-queue-fix.ts. */
declare module 'kafkajs/src/network/requestQueue/index.js' {
  const RequestQueue: new (options: {
    maxInFlightRequests?: number | null;
    requestTimeout: number;
    enforceRequestTimeout: boolean;
    clientId: string;
    broker: string;
    logger: unknown;
    instrumentationEmitter?: unknown;
    isConnected?: () => boolean;
  }) => {
    pending: unknown[];
    throttledUntil: number;
    throttleCheckTimeoutId: NodeJS.Timeout | null;
    checkPendingRequests(): void;
    scheduleCheckPendingRequests(): void;
    maybeThrottle(ms: number | null): void;
    destroy(): void;
  };
  export default RequestQueue;
}
