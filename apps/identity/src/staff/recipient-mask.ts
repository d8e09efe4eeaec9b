/**
 * How an invitation's recipient is shown to the tenant's managers: enough to recognise, not to
 * contact. The same rule as a masked customer phone or email (`+91******3210`, `r***@example.in`).
 */
export function maskRecipient(value: { email?: string | null; phone?: string | null }): string {
  if (value.email) {
    const at = value.email.lastIndexOf('@');
    return at <= 0 ? '***' : `${value.email[0]}***${value.email.slice(at)}`;
  }
  const phone = value.phone ?? '';
  const prefix = phone.startsWith('+91') ? '+91' : phone.slice(0, 1);
  return prefix + '*'.repeat(Math.max(phone.length - prefix.length - 4, 0)) + phone.slice(-4);
}
