import { useEffect, useState } from 'react';
import { useSession } from '../../../app/providers';
import { downloadStoredMedia, storedMediaId } from './media';

export type StoredMediaSource = { status: 'loading' } | { status: 'ready'; src: string } | { status: 'failed' };

/**
 * What a message's media can be shown from: a file stored by Balcão is read with the session
 * and shown through a blob URL (released when the message leaves the screen); a link elsewhere
 * (a provider's own) is used as it is.
 */
export function useStoredMediaUrl(url: string): StoredMediaSource {
  const session = useSession();
  const id = storedMediaId(url);
  const [loaded, setLoaded] = useState<{ id: string; src: string | null } | undefined>();
  useEffect(() => {
    if (!id) return;
    const controller = new AbortController();
    let objectUrl: string | undefined;
    downloadStoredMedia(session, id, controller.signal).then(
      (blob) => {
        if (controller.signal.aborted) return;
        objectUrl = URL.createObjectURL(blob);
        setLoaded({ id, src: objectUrl });
      },
      () => {
        if (!controller.signal.aborted) setLoaded({ id, src: null });
      },
    );
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [session, id]);
  if (!id) return { status: 'ready', src: url };
  if (loaded?.id !== id) return { status: 'loading' };
  return loaded.src ? { status: 'ready', src: loaded.src } : { status: 'failed' };
}
