import { attachmentName, contentDisposition } from './attachment-name.js';

type Sniffed = 'application/pdf' | 'image/png';
const doc = (name: string | null, mediaType: Sniffed = 'application/pdf') => ({ id: 'd1', name, mediaType });

describe('download file names', () => {
  it('security #14: take the extension from the sniffed type, never from the name given', () => {
    expect(attachmentName(doc('invoice.html'))).toBe('invoice.pdf');
    expect(attachmentName(doc('invoice.pdf'))).toBe('invoice.pdf');
    expect(attachmentName(doc('scan', 'image/png'))).toBe('scan.png');
    expect(attachmentName(doc('report.svg. . '))).toBe('report.pdf');
    expect(attachmentName(doc('.html'))).toBe('document-d1.pdf');
    expect(attachmentName(doc(null, 'image/png'))).toBe('document-d1.png');
  });

  it('security #14: drop direction-changing and zero-width characters', () => {
    expect(attachmentName(doc('invoice\u202Efdp.html'))).toBe('invoicefdp.pdf');
    expect(attachmentName(doc('pass\u200Bport\u2066.pdf'))).toBe('passport.pdf');
    const utf8 = encodeURIComponent('Aadhaar card – Rohit.pdf');
    expect(contentDisposition(doc('Aadhaar card – Rohit.pdf'))).toBe(
      `attachment; filename="Aadhaar card _ Rohit.pdf"; filename*=UTF-8''${utf8}`,
    );
    expect(contentDisposition(doc('x\u202E.html'))).toBe(`attachment; filename="x.pdf"; filename*=UTF-8''x.pdf`);
  });
});
