import { z } from 'zod';
import { emptyRequestSchema, operation } from '../operation.js';
import {
  cancelSubscriptionSchema,
  changeSubscriptionSchema,
  planViewSchema,
  recordSubscriptionPaymentSchema,
  recordUsageSchema,
  subscriptionTickResultSchema,
  subscriptionTickSchema,
  subscriptionViewSchema,
  usageViewSchema,
} from '../subscriptions.js';

/** Plans, the tenant's subscription to one, and metered usage (billing). */
export const SubscriptionOps = {
  plans: operation({
    name: 'billing.plans.list',
    request: emptyRequestSchema,
    response: z.object({ items: z.array(planViewSchema) }),
    access: 'authenticated',
    audit: { action: 'list', resourceType: 'plan', resourceIdField: null },
    summary: 'The plans on offer: prices in paise (monthly and annual) and entitlements',
    http: { method: 'GET', path: 'v1/billing/plans', tag: 'billing' },
  }),
  get: operation({
    name: 'billing.subscription.get',
    request: emptyRequestSchema,
    response: subscriptionViewSchema,
    access: 'billing:read',
    audit: { action: 'read', resourceType: 'subscription', resourceIdField: null },
    summary: 'The tenant’s subscription: plan, interval, status, period, pending change, entitlements',
    http: { method: 'GET', path: 'v1/billing/subscription', tag: 'billing' },
  }),
  change: operation({
    name: 'billing.subscription.change',
    request: changeSubscriptionSchema,
    response: subscriptionViewSchema,
    access: 'billing:manage',
    audit: { action: 'update', resourceType: 'subscription', resourceIdField: null },
    summary:
      'Start a trial, or change plan: an upgrade applies now with a prorated GST invoice; a downgrade or ' +
      'interval change waits for the period end',
    http: { method: 'POST', path: 'v1/billing/subscription', tag: 'billing', status: 200, personOnly: true },
  }),
  cancel: operation({
    name: 'billing.subscription.cancel',
    request: cancelSubscriptionSchema,
    response: subscriptionViewSchema,
    access: 'billing:cancel',
    audit: { action: 'update', resourceType: 'subscription', resourceIdField: null },
    summary: 'Owner: cancel now or at the period end; the tenant turns read-only and tenant.cancelled is published',
    http: { method: 'POST', path: 'v1/billing/subscription/cancel', tag: 'billing', status: 200, personOnly: true },
  }),
  usage: operation({
    name: 'billing.usage.get',
    request: emptyRequestSchema,
    response: usageViewSchema,
    access: 'billing:read',
    audit: { action: 'read', resourceType: 'usage', resourceIdField: null },
    summary: 'Usage this month per entitlement: used, limit, period',
    http: { method: 'GET', path: 'v1/billing/usage', tag: 'billing' },
  }),
  recordUsage: operation({
    name: 'billing.usage.record',
    request: recordUsageSchema,
    response: z.object({ counted: z.boolean() }),
    access: 'platform:billing:manage',
    audit: { action: 'create', resourceType: 'usage_event', resourceIdField: 'eventId' },
    summary: 'Meter one usage event; a repeated event ID is not counted again',
    internal: 'metered from services’ events; the platform route is for tests and corrections',
  }),
  recordPayment: operation({
    name: 'billing.subscription-payments.record',
    request: recordSubscriptionPaymentSchema,
    response: subscriptionViewSchema,
    access: 'platform:billing:manage',
    audit: { action: 'update', resourceType: 'subscription', resourceIdField: null },
    summary: 'Development and test: a payment outcome for a subscription invoice, as the payments module reports one',
    http: { method: 'POST', path: 'v1/platform/billing/subscription-payments', tag: 'platform' },
    developmentOnly: true,
  }),
  tick: operation({
    name: 'billing.subscriptions.tick',
    request: subscriptionTickSchema,
    response: subscriptionTickResultSchema,
    access: 'platform:billing:manage',
    audit: { action: 'update', resourceType: 'subscription', resourceIdField: null },
    summary: 'Development and test: run the subscription lifecycle (renewals, grace, restriction) at a given time',
    http: { method: 'POST', path: 'v1/platform/billing/subscriptions/tick', tag: 'platform', status: 200 },
    developmentOnly: true,
  }),
} as const;
