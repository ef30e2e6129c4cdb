import type { Response } from 'express';

/** A stored file as it is sent: its name, type, bytes and digest. */
export interface StoredFile {
  file_name: string;
  mime_type: string;
  size_bytes: number;
  content: Uint8Array;
  sha256: string;
}

/** Sends a stored file so that no browser runs it as a page of ours: images, audio and video inline, the rest as a download. */
export function sendStoredFile(res: Response, file: StoredFile, cacheControl: string): void {
  const inline = file.mime_type.startsWith('image/') || file.mime_type.startsWith('audio/') || file.mime_type.startsWith('video/');
  res.setHeader('content-type', file.mime_type);
  res.setHeader('content-length', String(file.size_bytes));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-security-policy', "default-src 'none'; sandbox");
  res.setHeader('cache-control', cacheControl);
  res.setHeader('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${file.file_name}"`);
  res.setHeader('etag', `"${file.sha256}"`);
  res.end(Buffer.from(file.content));
}
