import { providerName, recipientKey, type SimProvider } from './store.js';

/** How receipts are posted after an accepted send. */
export const ReceiptModes = ['inOrder', 'reversed', 'duplicated', 'delayed', 'failed', 'none'] as const;
export type ReceiptMode = (typeof ReceiptModes)[number];

/** What goes wrong at send time. */
export const FaultKinds = ['error', 'slow', '5xx', 'drop'] as const;
export type FaultKind = (typeof FaultKinds)[number];

export interface Fault {
  kind: FaultKind;
  /** Sends left that this fault applies to. */
  count: number;
  /** `error`: the provider's error code to answer with (default: the provider's rate-limit code). */
  code?: string;
  /** `slow`: how long to wait before answering (the send is then processed normally). */
  ms?: number;
  /** `5xx`: the HTTP status (default 503). */
  status?: number;
}

export interface Behaviour {
  receipts?: ReceiptMode;
  /**
   * Receipts overtake the send: they are posted before the send is answered (the answer waits until
   * each receipt's first post was answered), as a provider's fast webhook can arrive. Any mode takes it.
   */
  early?: boolean;
  /** Wait before the first receipt (`delayed` defaults to 2000 ms; any mode takes it). */
  delayMs?: number;
  /** `failed`: the provider's delivery error code in the failure receipt. */
  errorCode?: string;
  /** WhatsApp (Meta and Twilio `whatsapp:`): post a `read` status after `delivered` (default true). */
  read?: boolean;
  /** WhatsApp: `false` leaves out `delivered` — Meta sends only `read` when both happen at once. */
  delivered?: boolean;
  /** Meta: answer free-form text outside the 24-hour window with 131047 as a failed status (`async`, default) or
   * as a synchronous 400 (`sync`). */
  windowError?: 'async' | 'sync';
  /** MSG91 `v2` (form field `data`, default) or `v3` (flat JSON); Gupshup `get` (default) or `post` (JSON array). */
  dlrFormat?: 'v2' | 'v3' | 'get' | 'post';
  fault?: Fault;
}

export interface Rule extends Behaviour {
  provider?: SimProvider;
  /** Digits of the number (or the email address) this rule is for. */
  to?: string;
}

export class SimInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const FIELDS = ['receipts', 'delayMs', 'errorCode', 'read', 'delivered', 'early', 'windowError', 'dlrFormat'] as const;

function nonNegativeInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 3_600_000)
    throw new SimInputError('INVALID_BEHAVIOUR', `${field} must be a whole number from 0 to 3600000`);
  return value;
}

function parseFault(value: unknown): Fault {
  if (!value || typeof value !== 'object') throw new SimInputError('INVALID_BEHAVIOUR', 'fault must be an object');
  const f = value as Record<string, unknown>;
  if (!(FaultKinds as readonly unknown[]).includes(f.kind))
    throw new SimInputError('INVALID_BEHAVIOUR', `fault.kind must be one of ${FaultKinds.join(', ')}`);
  const fault: Fault = {
    kind: f.kind as FaultKind,
    count: f.count === undefined ? 1 : nonNegativeInt(f.count, 'count'),
  };
  if (f.code !== undefined) fault.code = String(f.code);
  if (fault.kind === 'slow') fault.ms = f.ms === undefined ? 10_000 : nonNegativeInt(f.ms, 'fault.ms');
  if (fault.kind === '5xx') {
    const status = f.status === undefined ? 503 : nonNegativeInt(f.status, 'fault.status');
    if (status < 500 || status > 599) throw new SimInputError('INVALID_BEHAVIOUR', 'fault.status must be 5xx');
    fault.status = status;
  }
  return fault;
}

/**
 * Behaviours set through the control API, per provider, per recipient, or both. For each send every
 * field is taken from the most specific rule that sets it: provider + recipient, recipient, provider,
 * then the rule for everything.
 */
export class Behaviours {
  private rules = new Map<string, Rule>();

  private static key(provider?: string, to?: string): string {
    return `${provider ?? '*'}|${to ?? '*'}`;
  }

  /** Sets (merges) a rule from control-API input; a field given as null is removed. */
  set(input: unknown): Rule {
    if (!input || typeof input !== 'object' || Array.isArray(input))
      throw new SimInputError('INVALID_BEHAVIOUR', 'the body must be a JSON object');
    const body = input as Record<string, unknown>;
    const provider = body.provider === undefined || body.provider === null ? undefined : providerName(body.provider);
    if (body.provider !== undefined && body.provider !== null && !provider)
      throw new SimInputError('INVALID_BEHAVIOUR', `unknown provider ${JSON.stringify(body.provider)}`);
    const to = typeof body.to === 'string' && body.to.trim() ? recipientKey(body.to) : undefined;
    if (body.to !== undefined && body.to !== null && !to)
      throw new SimInputError('INVALID_BEHAVIOUR', 'to must be a phone number or an email address');
    const key = Behaviours.key(provider, to);
    const rule: Rule = { ...(this.rules.get(key) ?? {}), ...(provider ? { provider } : {}), ...(to ? { to } : {}) };
    for (const field of [...FIELDS, 'fault'] as const) {
      if (!(field in body)) continue;
      const value = body[field];
      if (value === null) {
        delete rule[field];
        continue;
      }
      switch (field) {
        case 'receipts':
          if (!(ReceiptModes as readonly unknown[]).includes(value))
            throw new SimInputError('INVALID_BEHAVIOUR', `receipts must be one of ${ReceiptModes.join(', ')}`);
          rule.receipts = value as ReceiptMode;
          break;
        case 'delayMs':
          rule.delayMs = nonNegativeInt(value, 'delayMs');
          break;
        case 'errorCode':
          if (typeof value !== 'string' && typeof value !== 'number')
            throw new SimInputError('INVALID_BEHAVIOUR', 'errorCode must be a string or a number');
          rule.errorCode = String(value);
          break;
        case 'read':
        case 'delivered':
        case 'early':
          if (typeof value !== 'boolean')
            throw new SimInputError('INVALID_BEHAVIOUR', `${field} must be true or false`);
          rule[field] = value;
          break;
        case 'windowError':
          if (value !== 'async' && value !== 'sync')
            throw new SimInputError('INVALID_BEHAVIOUR', 'windowError must be async or sync');
          rule.windowError = value;
          break;
        case 'dlrFormat':
          if (!['v2', 'v3', 'get', 'post'].includes(value as string))
            throw new SimInputError('INVALID_BEHAVIOUR', 'dlrFormat must be v2, v3 (MSG91), get or post (Gupshup)');
          rule.dlrFormat = value as Behaviour['dlrFormat'];
          break;
        case 'fault':
          rule.fault = parseFault(value);
          break;
      }
    }
    this.rules.set(key, rule);
    return rule;
  }

  list(): Rule[] {
    return [...this.rules.values()];
  }

  clear(): void {
    this.rules.clear();
  }

  get empty(): boolean {
    return this.rules.size === 0;
  }

  private candidates(provider: SimProvider, to: string): Rule[] {
    const key = recipientKey(to);
    const out: Rule[] = [];
    for (const k of [
      Behaviours.key(provider, key),
      Behaviours.key(undefined, key),
      Behaviours.key(provider),
      Behaviours.key(),
    ]) {
      const r = this.rules.get(k);
      if (r) out.push(r);
    }
    return out;
  }

  /** The receipt behaviour for one send (without the fault). */
  resolve(provider: SimProvider, to: string): Behaviour {
    if (this.rules.size === 0) return {};
    const out: Behaviour = {};
    const rules = this.candidates(provider, to);
    for (const field of FIELDS) {
      const r = rules.find((rule) => rule[field] !== undefined);
      if (r) Object.assign(out, { [field]: r[field] });
    }
    return out;
  }

  /** The send-time fault for this send, if any; each use counts one down. */
  takeFault(provider: SimProvider, to: string): Fault | undefined {
    if (this.rules.size === 0) return undefined;
    const rule = this.candidates(provider, to).find((r) => r.fault && r.fault.count > 0);
    if (!rule?.fault) return undefined;
    const fault = { ...rule.fault };
    rule.fault.count--;
    if (rule.fault.count === 0) delete rule.fault;
    return fault;
  }
}
