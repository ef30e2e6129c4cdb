import type { Response } from 'express';

export interface StreamedExport<T> {
  format: 'csv' | 'json';
  /** The download's name, before the timestamp and extension ('auditoria' → auditoria-2026-12-07-10-00-00.csv). */
  fileName: string;
  csvColumns: readonly string[];
  toCsvRow(item: T): string;
  items: AsyncIterable<T>;
}

/** Streams a CSV (with BOM, for spreadsheets) or a JSON array as its items arrive, honouring backpressure; stops when the client leaves. */
export async function streamExport<T>(res: Response, download: StreamedExport<T>): Promise<void> {
  // The first page is read before anything is sent: a failure there is still an error answer, not a cut connection.
  const items = download.items[Symbol.asyncIterator]();
  let next = await items.next();
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  res.setHeader('Content-Disposition', `attachment; filename="${download.fileName}-${stamp}.${download.format}"`);
  res.setHeader('Cache-Control', 'no-store');
  let aborted = false;
  res.on('close', () => {
    aborted = !res.writableFinished;
  });
  const csv = download.format === 'csv';
  res.type(csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
  res.write(csv ? `\uFEFF${download.csvColumns.join(',')}\r\n` : '[');
  let first = true;
  while (!next.done) {
    if (aborted) {
      await items.return?.();
      return;
    }
    const line = csv ? `${download.toCsvRow(next.value)}\r\n` : `${first ? '' : ','}\n${JSON.stringify(next.value)}`;
    if (!res.write(line)) await waitForDrain(res);
    first = false;
    next = await items.next();
  }
  if (!csv) res.write('\n]\n');
  res.end();
}

function waitForDrain(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
