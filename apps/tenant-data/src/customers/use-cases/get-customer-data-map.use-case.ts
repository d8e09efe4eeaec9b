import {
  CustomerOps,
  DocumentKindCategory,
  DocumentKinds,
  isSensitiveCategory,
  type DataMapEntry,
} from '@lekha/contracts';
import { Handles, type UseCase } from '@lekha/runtime';
import { TenantRoles, hasPermission } from '@lekha/tenancy';
import { ALL_CUSTOMER_FIELDS, CustomerFields } from '../customer.fields.js';
import { visibilityFor } from '../customer-visibility.js';

/**
 * The platform prints its own data map from the field declarations: each personal field of a
 * customer, its category, how it is stored, and which tenant roles see it masked or not at all —
 * and each kind of document kept about a customer (its content and its display name).
 * Holds no tenant data, so it needs no transaction and no audit record.
 */
@Handles(CustomerOps.dataMap)
export class GetCustomerDataMapUseCase implements UseCase<typeof CustomerOps.dataMap> {
  execute(): { items: DataMapEntry[] } {
    const byRole = TenantRoles.map((role) => ({ role, v: visibilityFor([role]) }));
    const documents: DataMapEntry[] = DocumentKinds.map((kind) => {
      const category = DocumentKindCategory[kind];
      const sensitive = isSensitiveCategory(category);
      const sees = (role: string) =>
        hasPermission([role], 'documents:read') && (!sensitive || hasPermission([role], 'customers:read:sensitive'));
      return {
        entity: 'document',
        field: kind,
        category,
        sensitive,
        storage: 'encrypted',
        maskedFor: [],
        hiddenFrom: TenantRoles.filter((r) => !sees(r)),
      };
    });
    return {
      items: [
        ...ALL_CUSTOMER_FIELDS.map((field) => ({
          entity: 'customer',
          field,
          category: CustomerFields[field].category,
          sensitive: isSensitiveCategory(CustomerFields[field].category),
          storage: CustomerFields[field].storage,
          maskedFor: byRole.filter(({ v }) => v.masked.has(field)).map(({ role }) => role),
          hiddenFrom: byRole.filter(({ v }) => v.hidden.has(field)).map(({ role }) => role),
        })),
        ...documents,
      ],
    };
  }
}
