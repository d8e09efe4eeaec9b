import type { ErrorBody } from './errors.js';

/**
 * Request/reply patterns (operations), each served by exactly one service. Names:
 * `<service>.<feature>.<verb>`. A request travels on its service's topic (`rpc.<service>.v1`) with
 * the pattern in the `x-lekha-op` header; replies come back on `rpc.replies.v1`.
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
    listInvitations: 'identity.staff.list-invitations',
    revokeInvitation: 'identity.staff.revoke-invitation',
    mfaEnroll: 'identity.mfa.enroll',
    mfaConfirm: 'identity.mfa.confirm',
    mfaDisable: 'identity.mfa.disable',
    mfaVerify: 'identity.mfa.verify',
    createApiKey: 'identity.api-keys.create',
    listApiKeys: 'identity.api-keys.list',
    revokeApiKey: 'identity.api-keys.revoke',
    exchangeApiKey: 'identity.api-keys.exchange',
    createPlatformUser: 'identity.platform-users.create',
    listPlatformUsers: 'identity.platform-users.list',
    deactivatePlatformUser: 'identity.platform-users.deactivate',
    resetPlatformUser: 'identity.platform-users.reset',
    rotateSigningKey: 'identity.signing-keys.rotate',
    eraseTenant: 'identity.tenant.erase',
    tenantErasureStatus: 'identity.tenant.erasure-status',
    tenantOwnerContact: 'identity.tenant.owner-contact',
    tenantLastActivity: 'identity.tenants.last-activity',
    tenantPublicStatus: 'identity.tenants.public-status',
    cancelTenant: 'identity.tenant.cancel',
    transitKey: 'identity.transit-key.get',
    supportToken: 'identity.support.token',
    rightsDeclarations: 'identity.rights.declarations',
  },
  tenantData: {
    createCustomer: 'tenant-data.customers.create',
    getCustomer: 'tenant-data.customers.get',
    listCustomers: 'tenant-data.customers.list',
    updateCustomer: 'tenant-data.customers.update',
    deleteCustomer: 'tenant-data.customers.delete',
    customerContact: 'tenant-data.customers.contact',
    customerNoticeContact: 'tenant-data.customers.notice-contact',
    customerFindPrincipal: 'tenant-data.customers.find-principal',
    customerHistory: 'tenant-data.customers.history',
    customerDataMap: 'tenant-data.customers.data-map',
    stageCustomerImport: 'tenant-data.customers.import-stage',
    commitCustomerImport: 'tenant-data.customers.import-commit',
    discardCustomerImport: 'tenant-data.customers.import-discard',
    exportCustomers: 'tenant-data.customers.export',
    recordTemplates: 'tenant-data.record-types.templates',
    createRecordType: 'tenant-data.record-types.create',
    updateRecordType: 'tenant-data.record-types.update',
    listRecordTypes: 'tenant-data.record-types.list',
    createRecord: 'tenant-data.records.create',
    getRecord: 'tenant-data.records.get',
    listRecords: 'tenant-data.records.list',
    updateRecord: 'tenant-data.records.update',
    deleteRecord: 'tenant-data.records.delete',
    recordHistory: 'tenant-data.records.history',
    recordReport: 'tenant-data.records.report',
    rotateKeys: 'tenant-data.keys.rotate',
    keyStatus: 'tenant-data.keys.status',
    beginDocumentUpload: 'tenant-data.documents.upload-begin',
    uploadDocumentChunk: 'tenant-data.documents.upload-chunk',
    commitDocumentUpload: 'tenant-data.documents.upload-commit',
    abortDocumentUpload: 'tenant-data.documents.upload-abort',
    listDocuments: 'tenant-data.documents.list',
    beginDocumentDownload: 'tenant-data.documents.download-begin',
    downloadDocumentChunk: 'tenant-data.documents.download-chunk',
    deleteDocument: 'tenant-data.documents.delete',
    ping: 'tenant-data.health.ping',
    transitKey: 'tenant-data.transit-key.get',
    rightsDeclarations: 'tenant-data.rights.declarations',
  },
  compliance: {
    queryAudit: 'compliance.audit.query',
    auditStatus: 'compliance.audit.status',
    auditNetworkKey: 'compliance.audit.network-key',
    ping: 'compliance.health.ping',
    transitKey: 'compliance.transit-key.get',
    listConsentPurposes: 'compliance.consent-purposes.list',
    putConsentPurpose: 'compliance.consent-purposes.put',
    giveConsent: 'compliance.consents.give',
    withdrawConsent: 'compliance.consents.withdraw',
    withdrawConsentsOf: 'compliance.consents.withdraw-of',
    listConsents: 'compliance.consents.list',
    openBreakGlass: 'compliance.break-glass.open',
    breakGlassReport: 'compliance.break-glass.report',
    requestSupportAccess: 'compliance.support-requests.create',
    listSupportRequests: 'compliance.support-requests.list',
    approveSupportRequest: 'compliance.support-requests.approve',
    denySupportRequest: 'compliance.support-requests.deny',
    revokeSupportGrant: 'compliance.support-grants.revoke',
    supportGrantActivity: 'compliance.support-grants.activity',
    supportGrantForToken: 'compliance.support-grants.for-token',
    supportGrantStatus: 'compliance.support-grants.status',
    /** Served only when LEKHA_ENV is development or test. */
    setSupportClock: 'compliance.support-clock.set',
    legalRequestsReport: 'compliance.legal-requests.report',
    createLegalRequest: 'compliance.legal-requests.create',
    listLegalRequests: 'compliance.legal-requests.list',
    getLegalRequest: 'compliance.legal-requests.get',
    decideLegalRequest: 'compliance.legal-requests.decide',
    createIncident: 'compliance.incidents.create',
    listIncidents: 'compliance.incidents.list',
    getIncident: 'compliance.incidents.get',
    incidentAffected: 'compliance.incidents.affected',
    incidentStatus: 'compliance.incidents.status',
    incidentStage: 'compliance.incidents.stage',
    notifyIncident: 'compliance.incidents.notify',
    incidentNotices: 'compliance.incidents.notices',
    reactivateTenant: 'compliance.tenant.reactivate',
    getRetention: 'compliance.retention.get',
    putRetention: 'compliance.retention.put',
    placeLegalHold: 'compliance.legal-holds.place',
    liftLegalHold: 'compliance.legal-holds.lift',
    legalHoldsStanding: 'compliance.legal-holds.standing',
    listRetentionRuns: 'compliance.retention-runs.list',
    retentionSchedule: 'compliance.retention.schedule',
    deletionCertificate: 'compliance.retention-runs.certificate',
    certificateKey: 'compliance.retention.certificate-key',
    retentionTick: 'compliance.retention.tick',
    getRightsPolicy: 'compliance.rights-policy.get',
    putRightsPolicy: 'compliance.rights-policy.put',
    fileRightsRequest: 'compliance.rights-requests.file',
    listRightsRequests: 'compliance.rights-requests.list',
    getRightsRequest: 'compliance.rights-requests.get',
    rightsRequestResult: 'compliance.rights-requests.result',
    rightsRequestCertificate: 'compliance.rights-requests.certificate',
    rejectRightsRequest: 'compliance.rights-requests.reject',
    completeRightsRequest: 'compliance.rights-requests.complete',
    publicRightsRequest: 'compliance.public-rights.request',
    publicRightsVerifyRequest: 'compliance.public-rights.verify-request',
    publicConsentWithdraw: 'compliance.public-rights.withdraw',
    publicConsentVerifyWithdrawal: 'compliance.public-rights.verify-withdrawal',
    publicConsentGive: 'compliance.public-rights.give',
    publicConsentVerifyGiving: 'compliance.public-rights.verify-giving',
    publicRightsReadRequest: 'compliance.public-rights.read-request',
    publicRightsReadResult: 'compliance.public-rights.read-result',
    publicRightsReadCertificate: 'compliance.public-rights.read-certificate',
    customerConsents: 'compliance.consents.of-customer',
    correctRightsRequest: 'compliance.rights-requests.correct',
    rightsDeclarations: 'compliance.rights.declarations',
    publishPrivacyNotice: 'compliance.privacy-notices.publish',
    listPrivacyNotices: 'compliance.privacy-notices.list',
    getPrivacyNotice: 'compliance.privacy-notices.get',
    publicPrivacyNotice: 'compliance.privacy-notices.public',
    dataMap: 'compliance.data-map.get',
  },
  billing: {
    ping: 'billing.health.ping',
    transitKey: 'billing.transit-key.get',
    createLedgerAccount: 'billing.ledger-accounts.create',
    listLedgerAccounts: 'billing.ledger-accounts.list',
    postLedgerEntry: 'billing.ledger-entries.post',
    reverseLedgerEntry: 'billing.ledger-entries.reverse',
    listLedgerEntries: 'billing.ledger-entries.list',
    ledgerBalances: 'billing.ledger-balances.get',
    ledgerStatement: 'billing.ledger-statement.page',
    verifyLedger: 'billing.ledger-chain.verify',
    listInvoices: 'billing.invoices.list',
    getInvoice: 'billing.invoices.get',
    renderInvoice: 'billing.invoices.render',
    issueInvoice: 'billing.invoices.issue',
    issueCreditNote: 'billing.invoices.credit-note',
    putInvoiceSettings: 'billing.invoice-settings.put',
    issueCustomerInvoice: 'billing.customer-invoices.issue',
    listCustomerInvoices: 'billing.customer-invoices.list',
    getCustomerInvoice: 'billing.customer-invoices.get',
    renderCustomerInvoice: 'billing.customer-invoices.pdf',
    payCustomerInvoice: 'billing.customer-invoices.pay',
    createPaymentOrder: 'billing.payments.create-order',
    verifyPayment: 'billing.payments.verify',
    razorpayWebhook: 'billing.payments.webhook',
    refundPayment: 'billing.payments.refund',
    listPlans: 'billing.plans.list',
    getSubscription: 'billing.subscription.get',
    changeSubscription: 'billing.subscription.change',
    cancelSubscription: 'billing.subscription.cancel',
    getUsage: 'billing.usage.get',
    recordUsage: 'billing.usage.record',
    recordSubscriptionPayment: 'billing.subscription-payments.record',
    tickSubscriptions: 'billing.subscriptions.tick',
    rightsDeclarations: 'billing.rights.declarations',
  },
  notifications: {
    ping: 'notifications.health.ping',
    /** Served only when LEKHA_ENV is development or test. */
    devInbox: 'notifications.dev-inbox.list',
    transitKey: 'notifications.transit-key.get',
    registerTemplate: 'notifications.templates.register',
    listTemplates: 'notifications.templates.list',
    putSettings: 'notifications.settings.put',
    getSettings: 'notifications.settings.get',
    send: 'notifications.messages.send',
    sendBatch: 'notifications.messages.send-batch',
    getMessage: 'notifications.messages.get',
    messageStatuses: 'notifications.messages.statuses',
    listMessages: 'notifications.messages.list',
    recordConsent: 'notifications.consents.record',
    recordOptOut: 'notifications.opt-outs.record',
    receiveWebhook: 'notifications.webhooks.receive',
    putReminders: 'notifications.reminders.put',
    getReminders: 'notifications.reminders.get',
    rightsDeclarations: 'notifications.rights.declarations',
  },
} as const;

type Leaves<T> = T extends string ? T : { [K in keyof T]: Leaves<T[K]> }[keyof T];
export type RpcPattern = Leaves<typeof Rpc>;

export function allRpcPatterns(): RpcPattern[] {
  return Object.values(Rpc).flatMap((group) => Object.values(group)) as RpcPattern[];
}

/** The service that serves a pattern: the pattern's first segment. */
export function rpcServiceOf(pattern: string): string {
  return pattern.slice(0, pattern.indexOf('.'));
}

/** Every service that serves request/reply patterns. */
export function rpcServices(): string[] {
  return [...new Set(allRpcPatterns().map(rpcServiceOf))];
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
  /** An API key's scopes (comma-separated permissions); absent for a user. */
  scopes: 'x-lekha-scopes',
  /** The caller's raw access token: services verify it themselves and take the caller from its claims. */
  accessToken: 'x-lekha-access-token',
  /** The actor's IP and user agent sealed to the tenant's audit key (`kid.sealed`), copied into audit events. */
  auditNetwork: 'x-lekha-audit-network',
} as const;

/** Headers of a sealed RPC call: a fresh ID per call and the sealing time, both bound into the AEAD. */
export const BusHeaders = {
  callId: 'x-lekha-call',
  sealedAt: 'x-lekha-sealed-at',
  /** The access token, IP and user agent, sealed: they never travel in plaintext. */
  sealedHeaders: 'x-lekha-sealed-headers',
  /** The caller's X25519 public key (SPKI DER, base64url): the reply is sealed to it and to nothing else. */
  replyKey: 'x-lekha-reply-key',
  /** The tenant whose transit key sealed this request (absent: the platform bus key). */
  sealedFor: 'x-lekha-sealed-for',
  /** The operation (pattern) asked for; bound into the seal through the AAD. */
  op: 'x-lekha-op',
  /** The partition of `rpc.replies.v1` the caller reads; bound into the headers digest. */
  replyPartition: 'x-lekha-reply-partition',
  /** Epoch ms after which the caller no longer waits: the service drops the request unrun. Sealed. */
  deadline: 'x-lekha-deadline',
} as const;

/**
 * Services that hold tenant keysets hand out a per-tenant transit key (derived from the tenant's
 * keyset, so erasing the tenant destroys it): the gateway seals a tenant's requests to them with
 * it instead of the platform bus key. The pattern that hands it out, per service.
 */
export const TransitKeyPatterns: Readonly<Record<string, RpcPattern>> = {
  identity: Rpc.identity.transitKey,
  'tenant-data': Rpc.tenantData.transitKey,
  notifications: Rpc.notifications.transitKey,
  compliance: Rpc.compliance.transitKey,
  billing: Rpc.billing.transitKey,
};

export interface TransitKeyGrant {
  tenantId: string;
  /** 32 bytes, base64. Travels only inside a reply sealed to the caller's reply key. */
  key: string;
}
