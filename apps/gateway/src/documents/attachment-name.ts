import { stripInvisible, type DocumentMediaType } from '@lekha/contracts';

const EXTENSION: Record<DocumentMediaType, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};

/**
 * The download's file name: the display name without invisible or direction-changing characters
 * and without the extension it was given, plus the extension of the type sniffed from the content
 * — so `invoice.html` holding a PDF downloads as `invoice.pdf`, never as something a browser or a
 * file manager would open as HTML.
 */
export function attachmentName(doc: { id: string; name: string | null; mediaType: DocumentMediaType }): string {
  const extension = EXTENSION[doc.mediaType] ?? 'bin';
  // Trailing dots and spaces first: Windows drops them, so `x.html. ` would open as HTML.
  const base = stripInvisible(doc.name ?? '')
    .replace(/[\s.]+$/, '')
    .replace(/\.[A-Za-z0-9]{1,10}$/, '')
    .replace(/[\s.]+$/, '')
    .trim();
  return `${base || `document-${doc.id}`}.${extension}`;
}

/** `Content-Disposition: attachment`, an ASCII fallback name and the UTF-8 one (RFC 6266). */
export function contentDisposition(doc: { id: string; name: string | null; mediaType: DocumentMediaType }): string {
  const name = attachmentName(doc);
  const ascii = name.replace(/[^\w .()-]/g, '_');
  if (!doc.name) return `attachment; filename="${ascii}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
