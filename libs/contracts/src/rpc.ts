import type { ErrorBody } from './errors.js';

/**
 * Request/reply patterns. Each is a Kafka topic (and `<pattern>.reply` for the answers), served
 * by exactly one service. Names: `<service>.<feature>.<verb>`.
 */
export const Rpc = {
  identity: {
    signup: 'identity.auth.signup',
    login: 'identity.auth.login',
    refresh: 'identity.auth.refresh',
    logout: 'identity.auth.logout',
    me: 'identity.me.get',
    jwks: 'identity.jwks.get',
    ping: 'identity.health.ping',
    otpRequest: 'identity.otp.request',
    otpVerify: 'identity.otp.verify',
    passwordResetRequest: 'identity.password-reset.request',
    passwordResetConfirm: 'identity.password-reset.confirm',
    listSessions: 'identity.sessions.list',
    revokeSession: 'identity.sessions.revoke',
    revokeOtherSessions: 'identity.sessions.revoke-others',
    revocations: 'identity.sessions.revocations',
    loginHistory: 'identity.login-history.list',
    inviteUser: 'identity.staff.invite',
    acceptInvitation: 'identity.staff.accept-invitation',
    listUsers: 'identity.staff.list',
    changeRole: 'identity.staff.change-role',
    deactivateUser: 'identity.staff.deactivate',
  },
  tenantData: {
    createCustomer: 'tenant-data.customers.create',
    getCustomer: 'tenant-data.customers.get',
    listCustomers: 'tenant-data.customers.list',
    updateCustomer: 'tenant-data.customers.update',
    deleteCustomer: 'tenant-data.customers.delete',
    customerHistory: 'tenant-data.customers.history',
    customerDataMap: 'tenant-data.customers.data-map',
    recordTemplates: 'tenant-data.record-types.templates',
    createRecordType: 'tenant-data.record-types.create',
    updateRecordType: 'tenant-data.record-types.update',
    listRecordTypes: 'tenant-data.record-types.list',
    createRecord: 'tenant-data.records.create',
    getRecord: 'tenant-data.records.get',
    listRecords: 'tenant-data.records.list',
    recordReport: 'tenant-data.records.report',
    ping: 'tenant-data.health.ping',
  },
  compliance: {
    queryAudit: 'compliance.audit.query',
    auditStatus: 'compliance.audit.status',
    ping: 'compliance.health.ping',
  },
  billing: {
    ping: 'billing.health.ping',
  },
  notifications: {
    ping: 'notifications.health.ping',
    /** Served only when LEKHA_ENV is development or test. */
    devInbox: 'notifications.dev-inbox.list',
  },
} as const;

type Leaves<T> = T extends string ? T : { [K in keyof T]: Leaves<T[K]> }[keyof T];
export type RpcPattern = Leaves<typeof Rpc>;

export function allRpcPatterns(): RpcPattern[] {
  return Object.values(Rpc).flatMap((group) => Object.values(group)) as RpcPattern[];
}

/** Every reply is a result: services never throw across the bus. */
export type RpcResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Kafka header names carrying the caller's context; values are strings. */
export const ContextHeaders = {
  tenantId: 'x-lekha-tenant',
  actorId: 'x-lekha-actor',
  actorType: 'x-lekha-actor-type',
  roles: 'x-lekha-roles',
  purpose: 'x-lekha-purpose',
  requestId: 'x-request-id',
  traceId: 'x-trace-id',
  ip: 'x-lekha-ip',
  userAgent: 'x-lekha-user-agent',
} as const;
