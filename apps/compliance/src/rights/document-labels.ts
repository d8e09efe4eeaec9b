import { DataCategories, type DataCategory } from '@lekha/contracts';

/** The fixed text of the access/export page, per language (English the fallback). */
export interface DocumentLabels {
  title: string;
  heading: string;
  request: string;
  generated: string;
  categoriesHeld: string;
  none: string;
  category: string;
  purpose: string;
  heldSince: string;
  sharedWith: string;
  times: string;
  for: string;
  processing: string;
  columns: [when: string, service: string, action: string, what: string, by: string, outcome: string];
  nothingHeld: string;
  noticePurposes: string;
}

const EN: DocumentLabels = {
  title: 'Your data',
  heading: 'The personal data held about you',
  request: 'Request',
  generated: 'generated',
  categoriesHeld: 'Categories held',
  none: 'none',
  category: 'Category',
  purpose: 'Purpose',
  heldSince: 'Held since',
  sharedWith: 'Shared with',
  times: 'time(s)',
  for: 'for',
  processing: 'Processing on the audit trail',
  columns: ['when', 'service', 'action', 'what', 'by', 'outcome'],
  nothingHeld: 'Nothing held.',
  noticePurposes: 'Purposes (from the privacy notice)',
};

const HI: DocumentLabels = {
  title: 'आपका डेटा',
  heading: 'आपके बारे में रखा गया व्यक्तिगत डेटा',
  request: 'अनुरोध',
  generated: 'तैयार किया गया',
  categoriesHeld: 'रखी गई श्रेणियाँ',
  none: 'कोई नहीं',
  category: 'श्रेणी',
  purpose: 'उद्देश्य',
  heldSince: 'कब से रखा गया',
  sharedWith: 'किसके साथ साझा किया गया',
  times: 'बार',
  for: 'के लिए',
  processing: 'ऑडिट ट्रेल पर दर्ज प्रसंस्करण',
  columns: ['कब', 'सेवा', 'कार्य', 'क्या', 'किसके द्वारा', 'परिणाम'],
  nothingHeld: 'कुछ नहीं रखा गया।',
  noticePurposes: 'उद्देश्य (गोपनीयता सूचना से)',
};

const MR: DocumentLabels = {
  title: 'तुमचा डेटा',
  heading: 'तुमच्याबद्दल ठेवलेला वैयक्तिक डेटा',
  request: 'विनंती',
  generated: 'तयार केले',
  categoriesHeld: 'ठेवलेल्या श्रेणी',
  none: 'काहीही नाही',
  category: 'श्रेणी',
  purpose: 'उद्देश',
  heldSince: 'केव्हापासून',
  sharedWith: 'कोणासोबत शेअर केले',
  times: 'वेळा',
  for: 'साठी',
  processing: 'ऑडिट ट्रेलवरील प्रक्रिया',
  columns: ['केव्हा', 'सेवा', 'कृती', 'काय', 'कोणी', 'परिणाम'],
  nothingHeld: 'काहीही ठेवलेले नाही.',
  noticePurposes: 'उद्देश (गोपनीयता सूचनेतून)',
};

const TABLE: Readonly<Record<string, DocumentLabels>> = { en: EN, hi: HI, mr: MR };

/** The languages the page's fixed text is translated into (others fall back to English). */
export const DOCUMENT_LANGUAGES = Object.keys(TABLE);

/**
 * How the page speaks: its language, its fixed text, and the tenant's notice's labels for categories and
 * purposes in that language (the category's own description, in English, where the notice has none).
 */
export interface DocumentLocale {
  language: string;
  labels: DocumentLabels;
  category(c: DataCategory): string;
  purpose(key: string): string | null;
  noticePurposes: { key: string; label: string }[];
}

export function documentLocale(
  language: string,
  notice: {
    categories: { category: DataCategory; label: string }[];
    purposes: { key: string; label: string }[];
  } | null,
): DocumentLocale {
  const labels = TABLE[language] ?? EN;
  return {
    language,
    labels,
    category: (c) => {
      const label = notice?.categories.find((x) => x.category === c)?.label;
      return label ? `${label} (${c})` : `${DataCategories[c].description} (${c})`;
    },
    purpose: (key) => notice?.purposes.find((p) => p.key === key)?.label ?? null,
    noticePurposes: notice?.purposes.map((p) => ({ key: p.key, label: p.label })) ?? [],
  };
}

export const ENGLISH_LOCALE = documentLocale('en', null);
