/**
 * GST state and union-territory codes (the first two characters of a GSTIN, `Stcd`/`Pos` in the
 * e-invoice). 97 is "Other Territory"; 96 (other country) is left out: exports are not invoiced here.
 */
export const GST_STATES: Readonly<Record<string, string>> = {
  '01': 'Jammu and Kashmir',
  '02': 'Himachal Pradesh',
  '03': 'Punjab',
  '04': 'Chandigarh',
  '05': 'Uttarakhand',
  '06': 'Haryana',
  '07': 'Delhi',
  '08': 'Rajasthan',
  '09': 'Uttar Pradesh',
  '10': 'Bihar',
  '11': 'Sikkim',
  '12': 'Arunachal Pradesh',
  '13': 'Nagaland',
  '14': 'Manipur',
  '15': 'Mizoram',
  '16': 'Tripura',
  '17': 'Meghalaya',
  '18': 'Assam',
  '19': 'West Bengal',
  '20': 'Jharkhand',
  '21': 'Odisha',
  '22': 'Chhattisgarh',
  '23': 'Madhya Pradesh',
  '24': 'Gujarat',
  '26': 'Dadra and Nagar Haveli and Daman and Diu',
  '27': 'Maharashtra',
  '29': 'Karnataka',
  '30': 'Goa',
  '31': 'Lakshadweep',
  '32': 'Kerala',
  '33': 'Tamil Nadu',
  '34': 'Puducherry',
  '35': 'Andaman and Nicobar Islands',
  '36': 'Telangana',
  '37': 'Andhra Pradesh',
  '38': 'Ladakh',
  '97': 'Other Territory',
};

/**
 * Union territories without a legislature levy UTGST instead of SGST on an intra-territory supply
 * (UTGST Act 2017); Delhi, Puducherry and Jammu and Kashmir levy SGST.
 */
const UTGST_TERRITORIES = new Set(['04', '26', '31', '35', '38', '97']);

export function isGstStateCode(code: string): boolean {
  return Object.hasOwn(GST_STATES, code);
}

export function stateName(code: string): string {
  const name = GST_STATES[code];
  if (!name) throw new Error(`not a GST state code: ${code}`);
  return name;
}

export function intraStateTaxName(code: string): 'SGST' | 'UTGST' {
  return UTGST_TERRITORIES.has(code) ? 'UTGST' : 'SGST';
}
