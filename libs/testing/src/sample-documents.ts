/**
 * Small, well-formed documents for tests of uploads (the service reads a file's structure, not
 * only its magic bytes): a PDF with a cross-reference table and trailer, a PNG with IHDR, a text
 * chunk and IEND, a lossy WebP whose RIFF size matches. `text` lands in the file as it is, and
 * `padding` (e.g. random bytes) makes it as large as a test needs.
 */
export function samplePdf(text = 'sample', padding: Buffer = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  const length = () => parts.reduce((n, p) => n + p.length, 0);
  const object = (body: Buffer | string) => {
    offsets.push(length());
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    parts.push(Buffer.from(`${offsets.length} 0 obj\n`), bytes, Buffer.from('\nendobj\n'));
  };
  object('<< /Type /Catalog /Pages 2 0 R >>');
  object('<< /Type /Pages /Kids [] /Count 0 >>');
  const info = Buffer.from(`<< /Title (${text}) /Length ${padding.length} >>\nstream\n`);
  object(Buffer.concat([info, padding, Buffer.from('\nendstream')]));
  const xref = length();
  const rows = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  const count = offsets.length + 1;
  const trailer = `trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  parts.push(Buffer.from(`xref\n0 ${count}\n0000000000 65535 f \n${rows}${trailer}`));
  return Buffer.concat(parts);
}

export function samplePng(text = 'sample', padding: Buffer = Buffer.alloc(0), size = { width: 4, height: 3 }): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size.width, 0);
  ihdr.writeUInt32BE(size.height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1')),
    pngChunk('IDAT', padding),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export function sampleWebp(text = 'sample', padding: Buffer = Buffer.alloc(0), size = { width: 4, height: 3 }): Buffer {
  // A VP8 key frame header (frame tag, start code, 14-bit width and height), then the rest.
  const frame = Buffer.alloc(10);
  frame.set([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a], 0);
  frame.writeUInt16LE(size.width, 6);
  frame.writeUInt16LE(size.height, 8);
  const data = Buffer.concat([frame, Buffer.from(text, 'latin1'), padding]);
  const pad = Buffer.alloc(data.length % 2);
  const vp8 = Buffer.concat([Buffer.from('VP8 '), u32le(data.length), data, pad]);
  return Buffer.concat([Buffer.from('RIFF'), u32le(4 + vp8.length), Buffer.from('WEBP'), vp8]);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length, 0);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
