import { gstinCheckChar } from '@lekha/contracts';
import type { Party } from './gst.js';

/** A valid GSTIN registered in `stateCode` (PAN and entity number made up, check character computed). */
export function gstinIn(stateCode: string, pan = 'AABCT1234C'): string {
  const first14 = `${stateCode}${pan}1Z`;
  return first14 + gstinCheckChar(first14);
}

/** The platform as supplier: Lekha, registered in Maharashtra. */
export const SUPPLIER: Party = {
  legalName: 'Lekha Software Private Limited',
  tradeName: 'Lekha',
  gstin: '27AAPFU0939F1ZV',
  address: { line1: '4th Floor, Baner Road', city: 'Pune', pin: '411045', stateCode: '27' },
  email: 'billing@lekha.example',
};

export function recipientIn(stateCode: string, registered = true): Party {
  return {
    legalName: `Jal Mitra Water Services ${stateCode}`,
    gstin: registered ? gstinIn(stateCode) : null,
    address: { line1: '12 MG Road', city: 'Somewhere', pin: '560001', stateCode },
  };
}
