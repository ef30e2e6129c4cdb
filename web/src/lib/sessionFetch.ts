import type { Session } from './session';

/** The REST error body's message, or null when the answer is not one. */
async function messageOf(response: Response): Promise<string | null> {
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { message?: string } | null;
  return body?.message ?? null;
}

/**
 * A REST call with the session's access token, as tRPC calls carry it: an expired token is renewed
 * once. A refusal throws the server's message.
 */
export async function fetchWithSession(session: Session, url: string, init: RequestInit = {}): Promise<Response> {
  const send = () => fetch(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${session.accessToken ?? ''}` } });
  let response: Response;
  try {
    response = await send();
    if (response.status === 401 && (await session.refresh())) response = await send();
  } catch {
    throw new Error('Não foi possível falar com o servidor; verifique a conexão.');
  }
  if (!response.ok) throw new Error((await messageOf(response)) ?? `A operação falhou (HTTP ${response.status})`);
  return response;
}

/** Hands a response's body to the browser as a download, under the name the server gave it. */
export async function saveAsFile(response: Response, fallbackName: string): Promise<void> {
  const fileName = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  saveBlobAsFile(await response.blob(), fileName);
}

/** Hands a blob made in the page (a generated JSON file, …) to the browser as a download. */
export function saveBlobAsFile(blob: Blob, fileName: string): void {
  const objectUrl = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: objectUrl, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
}
