import { rightsDocumentHtml } from '../rights/rights-view.js';
import { documentLocale } from '../rights/document-labels.js';
import { needsReacceptance } from './privacy-notice-view.js';

describe('privacy notice views', () => {
  const at = new Date('2027-06-01T00:00:00Z');
  const material = new Map([['en', { version: 3, at }]]);

  it('asks for re-acceptance of a consent under a version older than the latest material one, per language', () => {
    expect(needsReacceptance({ version: '2', language: 'en', at }, material)).toBe(true);
    expect(needsReacceptance({ version: '3', language: 'en', at }, material)).toBe(false);
    expect(needsReacceptance({ version: '2', language: 'hi', at }, material)).toBe(false);
    // A version that is no number: by time.
    expect(needsReacceptance({ version: '2026-11', language: 'en', at: new Date('2027-01-01') }, material)).toBe(true);
    expect(needsReacceptance({ version: '2026-11', language: 'en', at: new Date('2027-07-01') }, material)).toBe(false);
    // A first version is no change.
    expect(needsReacceptance({ version: '0', language: 'en', at }, new Map([['en', { version: 1, at }]]))).toBe(false);
  });

  it('renders the fixed text in hi with the notice’s labels, escaped; en for a language without a table', () => {
    const doc = {
      requestId: '0190d4c2-0000-7000-8000-000000000001',
      kind: 'access' as const,
      customerId: '0190d4c2-0000-7000-8000-000000000002',
      generatedAt: at.toISOString(),
      parts: [
        {
          service: 'compliance' as const,
          holdings: [
            {
              what: 'consent record',
              category: 'user.consent' as const,
              purpose: 'proof',
              since: null,
              count: 1,
              items: [{ purpose: 'marketing', note: '<b>x</b>' }],
            },
          ],
          sharedWith: [],
          activities: [],
        },
      ],
      categories: [{ category: 'user.consent' as const, services: ['compliance'] }],
    };
    const notice = {
      categories: [{ category: 'user.consent' as const, label: 'सहमति <रिकॉर्ड>' }],
      purposes: [{ key: 'marketing', label: 'ऑफ़र' }],
    };
    const hi = rightsDocumentHtml(doc, documentLocale('hi', notice));
    expect(hi).toContain('<html lang="hi">');
    expect(hi).toContain('आपके बारे में रखा गया व्यक्तिगत डेटा');
    expect(hi).toContain('सहमति &lt;रिकॉर्ड&gt; (user.consent)');
    expect(hi).toContain('<td>ऑफ़र (marketing)</td>');
    expect(hi).toContain('&lt;b&gt;x&lt;/b&gt;');
    const other = rightsDocumentHtml(doc, documentLocale('ta', null));
    expect(other).toContain('The personal data held about you');
    expect(other).toContain('consent choices (marketing channels) (user.consent)');
  });
});
