/** Every personal field of a customer with its data category, declared once. */
export const CustomerFieldCategories = {
  name: 'user.name',
  phone: 'user.contact.phone',
  email: 'user.contact.email',
  notes: 'user.notes',
} as const;
export type CustomerField = keyof typeof CustomerFieldCategories;

export function fieldsTouched(names: readonly CustomerField[]) {
  return names.map((name) => ({ name, category: CustomerFieldCategories[name] }));
}
export const ALL_CUSTOMER_FIELDS = Object.keys(CustomerFieldCategories) as CustomerField[];
