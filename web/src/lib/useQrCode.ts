import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** A text as a QR code image (data: URL); null while it is drawn, `failed` when it cannot be. */
export function useQrCode(text: string, width: number): { image: string | null; failed: boolean } {
  const [drawn, setDrawn] = useState<{ text: string; width: number; image: string | null; failed: boolean } | null>(null);
  useEffect(() => {
    let current = true;
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 1, width })
      .then((image) => current && setDrawn({ text, width, image, failed: false }))
      .catch(() => current && setDrawn({ text, width, image: null, failed: true }));
    return () => {
      current = false;
    };
  }, [text, width]);
  // A drawing of the previous text is not shown for the new one.
  if (!drawn || drawn.text !== text || drawn.width !== width) return { image: null, failed: false };
  return { image: drawn.image, failed: drawn.failed };
}
