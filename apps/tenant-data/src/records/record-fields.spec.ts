import type { RecordJsonSchema } from '@lekha/contracts';
import { effectiveFields, recordFieldViews, withCategories } from './record-fields.js';

const v1: RecordJsonSchema = {
  type: 'object',
  properties: {
    symptom: { type: 'string', 'x-category': 'user.health' },
    visits: { type: 'integer', 'x-category': 'business.operational' },
    contact: { type: 'string', 'x-category': 'user.contact.phone' },
  },
};
const v2: RecordJsonSchema = {
  type: 'object',
  properties: {
    symptom: { type: 'string', 'x-category': 'business.operational' },
    visits: { type: 'integer', 'x-category': 'user.financial' },
  },
};

describe('record field categories over a type’s versions', () => {
  it('security #10: a field keeps the strictest category any version gave it, removed fields included', () => {
    const history = withCategories(withCategories({}, v1), v2);
    expect(history).toEqual({
      symptom: ['user.health', 'business.operational'],
      visits: ['business.operational', 'user.financial'],
      contact: ['user.contact.phone'],
    });
    expect(effectiveFields({ schema: v2, categoryHistory: history })).toEqual([
      { name: 'symptom', category: 'user.health' },
      { name: 'visits', category: 'user.financial' },
      { name: 'contact', category: 'user.contact.phone' },
    ]);
    const caretaker = recordFieldViews({ schema: v2, categoryHistory: history }, ['caretaker']);
    expect([...caretaker.values()].map((f) => `${f.name}:${f.disclosure}`)).toEqual([
      'symptom:hidden',
      'visits:hidden',
      'contact:masked',
    ]);
  });

  it('counts the current schema even for a type stored before histories were kept', () => {
    expect(effectiveFields({ schema: v1, categoryHistory: {} })).toEqual([
      { name: 'symptom', category: 'user.health' },
      { name: 'visits', category: 'business.operational' },
      { name: 'contact', category: 'user.contact.phone' },
    ]);
  });
});
