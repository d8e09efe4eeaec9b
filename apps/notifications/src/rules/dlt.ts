import { NotificationError } from '@lekha/contracts';

/**
 * The DLT rules for a template send, in one place (TRAI TCCCPR 2018): `{#var#}` placeholders, each
 * value at most 30 characters, the rendered text matching the registered template, and URLs only
 * to whitelisted domains. Each check answers the reason it fails, or null.
 */
export const DLT_PLACEHOLDER = '{#var#}';
export const DLT_MAX_VARIABLE_LENGTH = 30;

export interface DltRefusal {
  reason: NotificationError;
  message: string;
  details?: unknown;
}

export function placeholderCount(template: string): number {
  return template.split(DLT_PLACEHOLDER).length - 1;
}

/** Substitutes the variables in order. */
export function renderTemplate(template: string, variables: readonly string[]): string {
  const parts = template.split(DLT_PLACEHOLDER);
  return parts.map((part, i) => (i < variables.length && i < parts.length - 1 ? part + variables[i] : part)).join('');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a text is an instance of the template: fixed parts verbatim, each variable 0–30 characters. */
export function matchesTemplate(template: string, text: string, maxVariable = DLT_MAX_VARIABLE_LENGTH): boolean {
  const pattern = template.split(DLT_PLACEHOLDER).map(escape).join(`[\\s\\S]{0,${maxVariable}}`);
  return new RegExp(`^${pattern}$`).test(text);
}

const URL_LIKE = /\b(?:https?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?::\d+)?(?:[/?#]\S*)?/gi;

/** The host names a text mentions as URLs (`https://x.in/a`, `www.x.in`, `x.in/a`). */
export function urlHosts(text: string): string[] {
  const hosts: string[] = [];
  for (const m of text.matchAll(URL_LIKE)) {
    const whole = m[0];
    const host = m[1]!.toLowerCase();
    // A bare `word.word` is a URL only with a scheme, a `www.` or a path; "Rs.500" or "Dr.Rao" are not.
    if (/^https?:\/\//i.test(whole) || host.startsWith('www.') || /[/?#]/.test(whole.slice(m[1]!.length))) {
      hosts.push(host);
    } else if (/\.(com|in|net|org|io|co|ly|me|app|link|page|info|biz|xyz|site|online)$/.test(host)) {
      hosts.push(host);
    }
  }
  return hosts;
}

export function hostWhitelisted(host: string, domains: readonly string[]): boolean {
  return domains.some((d) => host === d || host.endsWith(`.${d}`));
}

/** Checks a send's variables against its template and the tenant's whitelisted domains. */
export function checkDltSend(
  template: { body: string; channel: string },
  variables: readonly string[],
  urlDomains: readonly string[],
): DltRefusal | null {
  const expected = placeholderCount(template.body);
  if (variables.length !== expected)
    return {
      reason: NotificationError.VariableCount,
      message: `the template takes ${expected} variable(s); ${variables.length} given`,
    };
  // The 30-character limit is DLT's (SMS); WhatsApp and email templates take longer values.
  const long = template.channel === 'sms' ? variables.findIndex((v) => [...v].length > DLT_MAX_VARIABLE_LENGTH) : -1;
  if (long >= 0)
    return {
      reason: NotificationError.VariableTooLong,
      message: `a variable may hold at most ${DLT_MAX_VARIABLE_LENGTH} characters`,
      details: [{ path: `variables.${long}`, message: `over ${DLT_MAX_VARIABLE_LENGTH} characters` }],
    };
  const rendered = renderTemplate(template.body, variables);
  if (!matchesTemplate(template.body, rendered, template.channel === 'sms' ? DLT_MAX_VARIABLE_LENGTH : 1000))
    return { reason: NotificationError.TextMismatch, message: 'the rendered text does not match the template' };
  for (const [i, v] of variables.entries()) {
    const bad = urlHosts(v).find((h) => !hostWhitelisted(h, urlDomains));
    if (bad)
      return {
        reason: NotificationError.UrlNotWhitelisted,
        message: 'a variable holds a URL whose domain is not whitelisted in the notification settings',
        details: [{ path: `variables.${i}`, message: 'domain not whitelisted' }],
      };
  }
  return null;
}
