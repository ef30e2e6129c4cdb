import type { ReactNode } from 'react';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { Banner } from './Layout';

/** A secret the server keeps only as a hash, shown this once with a warning and a copy field. */
export function ShownOnceDialog({
  title,
  testId,
  warning,
  onClose,
  children,
}: {
  title: string;
  testId: string;
  warning: string;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog
      title={title}
      onClose={onClose}
      testId={testId}
      footer={
        <Button tone="primary" onClick={onClose}>
          Já copiei, fechar
        </Button>
      }
    >
      <div className="space-y-3">
        <Banner tone="info">{warning}</Banner>
        {children}
      </div>
    </Dialog>
  );
}
