export const SERVICE_NAMES = ['identity', 'tenant-data', 'billing', 'notifications', 'compliance', 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Each service's port variable and default port. */
export const SERVICE_PORTS: Record<ServiceName, { variable: string; port: number }> = {
  gateway: { variable: 'GATEWAY_PORT', port: 3000 },
  identity: { variable: 'IDENTITY_PORT', port: 3101 },
  'tenant-data': { variable: 'TENANT_DATA_PORT', port: 3102 },
  billing: { variable: 'BILLING_PORT', port: 3103 },
  notifications: { variable: 'NOTIFICATIONS_PORT', port: 3104 },
  compliance: { variable: 'COMPLIANCE_PORT', port: 3105 },
};
