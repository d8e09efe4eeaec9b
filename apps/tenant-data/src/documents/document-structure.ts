import { imageSize } from 'image-size';
import type { DocumentMediaType } from '@lekha/contracts';

/** Why a document's content is refused after its magic bytes matched. */
export type StructureProblem = 'active_content' | 'malformed_document';

/**
 * HTML or script anywhere in the file: what turns a PDF or an image into an HTML polyglot. Tags
 * need a delimiter after the name, so random bytes of a compressed image almost never match.
 */
const ACTIVE_CONTENT = /<(?:script|iframe|object|embed|html|body|meta|svg\s+xmlns)[\s>/]|<!doctype\s+html/i;
/** A classic cross-reference table or a cross-reference stream. */
const PDF_XREF = /(?:^|[\r\n])xref[\r\n ]|\/Type\s*\/XRef\b/;
/** The trailer a reader starts from: `startxref <offset> %%EOF`, within the last KiB. */
const PDF_TRAILER = /startxref\s+(\d{1,10})\s+%%EOF\s*$/;
const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
const VP8_START_CODE = Buffer.from([0x9d, 0x01, 0x2a]);
/** How much of the start is kept for the image decoder (a JPEG's size follows its EXIF/ICC segments). */
const HEAD_BYTES = 1024 * 1024;
const TAIL_BYTES = 1024;
const OVERLAP = 32;

/**
 * Reads a whole document, segment by segment, beyond the magic bytes that typed it: no HTML or
 * script anywhere; a PDF starts with `%PDF-x.y`, has a cross-reference table or stream and ends
 * with its `startxref … %%EOF` trailer; an image's dimensions decode from its header (image-size)
 * and a PNG ends with IEND, a WebP's RIFF size is the file's. Memory stays bounded (head, tail).
 */
export class DocumentInspector {
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private carry = '';
  private size = 0;
  private active = false;
  private xref = false;

  constructor(private readonly mediaType: DocumentMediaType) {}

  push(segment: Buffer): void {
    if (this.head.length < HEAD_BYTES) {
      this.head = Buffer.concat([this.head, segment.subarray(0, HEAD_BYTES - this.head.length)]);
    }
    const joined = Buffer.concat([this.tail, segment]);
    this.tail = joined.subarray(Math.max(joined.length - TAIL_BYTES, 0));
    const text = this.carry + segment.toString('latin1');
    if (ACTIVE_CONTENT.test(text)) this.active = true;
    if (this.mediaType === 'application/pdf' && PDF_XREF.test(text)) this.xref = true;
    this.carry = text.slice(-OVERLAP);
    this.size += segment.length;
  }

  /** Null when the document is what its type says, else why not. */
  verdict(): StructureProblem | null {
    if (this.active) return 'active_content';
    return this.wellFormed() ? null : 'malformed_document';
  }

  private wellFormed(): boolean {
    switch (this.mediaType) {
      case 'application/pdf': {
        if (!/^%PDF-[12]\.\d/.test(this.head.subarray(0, 8).toString('latin1'))) return false;
        const trailer = PDF_TRAILER.exec(this.tail.toString('latin1'));
        return !!trailer && Number(trailer[1]) < this.size && this.xref;
      }
      case 'image/png':
        return this.dimensions('png') && this.tail.subarray(-PNG_IEND.length).equals(PNG_IEND);
      case 'image/jpeg':
        return this.dimensions('jpg');
      case 'image/webp': {
        if (this.head.length < 30 || this.head.readUInt32LE(4) + 8 !== this.size) return false;
        const chunk = this.head.subarray(12, 16).toString('latin1');
        if (chunk === 'VP8 ' && !this.head.subarray(23, 26).equals(VP8_START_CODE)) return false;
        return this.dimensions('webp');
      }
    }
  }

  /** The header decodes as `type` with a width and a height of at least one pixel. */
  private dimensions(type: string): boolean {
    try {
      const size = imageSize(this.head);
      return size.type === type && (size.width ?? 0) >= 1 && (size.height ?? 0) >= 1;
    } catch {
      return false;
    }
  }
}
