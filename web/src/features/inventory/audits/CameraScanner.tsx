import QrScanner from 'qr-scanner';
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { Banner } from '../../../ui/Layout';

/** The same label held in front of the camera is read many times a second: it counts once per this long. */
const SAME_CODE_MS = 3_000;

/** The camera's picture with qr-scanner reading it; each label read (once while it stays in view) goes to `onCode`. */
export function CameraScanner({ onCode }: { onCode: (code: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const lastRead = useRef<{ code: string; at: number } | null>(null);
  const read = useEffectEvent((code: string) => {
    const now = Date.now();
    if (lastRead.current?.code === code && now - lastRead.current.at < SAME_CODE_MS) return;
    lastRead.current = { code, at: now };
    onCode(code);
  });
  useEffect(() => {
    const scanner = new QrScanner(video.current!, (result) => read(result.data), {
      returnDetailedScanResult: true,
      highlightScanRegion: true,
      maxScansPerSecond: 8,
      preferredCamera: 'environment',
    });
    scanner.start().catch(() => setFailure('Não foi possível abrir a câmera. Permita o acesso a ela no navegador ou digite a etiqueta.'));
    return () => {
      scanner.stop();
      scanner.destroy();
    };
  }, []);
  return (
    <div className="space-y-2">
      {failure && <Banner>{failure}</Banner>}
      <video
        ref={video}
        aria-label="Câmera lendo etiquetas"
        className="aspect-video w-full max-w-md rounded-md bg-zinc-900"
        muted
        playsInline
      />
    </div>
  );
}
