import type { Response } from 'express';

/** A page of an export as the services answer it. */
export interface ExportPage<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface PagedExport<P extends ExportPage<unknown>> {
  contentType: string;
  /** The attachment's file name. */
  filename: string;
  /** The first page, fetched before anything is sent, so that a refusal still gets its own status. */
  first: P;
  /** The page after `cursor`. */
  next: (cursor: string) => Promise<P>;
  /** Written before the first page (a CSV header line, an opening bracket). */
  head?: string;
  /** A page's bytes; `itemsBefore` is how many items the pages before it held. */
  render: (page: P, itemsBefore: number) => string;
  /** Written after the last page (a function: made then, e.g. from totals the pages carried). */
  tail?: string | (() => string);
}

/**
 * Streams an export page by page with a 200, holding one page in memory at a time and waiting for
 * the client to take each. Once the status is sent, a failure can no longer be told with one: the
 * transfer is broken instead (the socket is destroyed before the chunked encoding's last chunk),
 * so the client sees an error and never takes a truncated file for a complete one.
 */
export async function streamPagedExport<P extends ExportPage<unknown>>(
  res: Response,
  e: PagedExport<P>,
): Promise<void> {
  res.status(200).setHeader('content-type', e.contentType);
  res.setHeader('content-disposition', `attachment; filename="${e.filename}"`);
  const write = (chunk: string) =>
    new Promise<void>((resolve) => {
      if (chunk.length === 0 || res.write(chunk)) return resolve();
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      // A client that goes away never drains.
      res.on('close', done);
    });
  try {
    if (e.head) await write(e.head);
    let page = e.first;
    let itemsBefore = 0;
    for (;;) {
      await write(e.render(page, itemsBefore));
      itemsBefore += page.items.length;
      if (!page.nextCursor || res.destroyed) break;
      page = await e.next(page.nextCursor);
    }
    if (res.destroyed) return;
    if (e.tail) await write(typeof e.tail === 'function' ? e.tail() : e.tail);
    res.end();
  } catch (err) {
    res.destroy(err as Error);
  }
}
