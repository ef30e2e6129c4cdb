import { useState, type ReactNode } from 'react';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { N8nWorkflowDownloads } from './N8nWorkflowDownloads';

interface N8nWorkflowButtonProps {
  /** The kinds offered in the dialog (those the user may download). */
  kinds: readonly string[];
  /** For the kinds generated per helpdesk channel. */
  channelId?: string;
  dialogTitle: string;
  /** The button's accessible name, where the page has one per row ("Baixar workflow do n8n de WhatsApp Loja"). */
  ariaLabel?: string;
  size?: 'sm' | 'md';
  /** What the workflows do, above the list. */
  children?: ReactNode;
}

/** "Baixar workflow do n8n": a dialog with the page's workflows, each downloaded with what to create in n8n for it. */
export function N8nWorkflowButton({ kinds, channelId, dialogTitle, ariaLabel, size = 'md', children }: N8nWorkflowButtonProps) {
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);
  return (
    <>
      <Button size={size} aria-label={ariaLabel} onClick={() => setOpen(true)}>
        Baixar workflow do n8n
      </Button>
      {open && (
        <Dialog title={dialogTitle} onClose={close} testId="n8n-workflow-dialog" wide footer={<Button onClick={close}>Fechar</Button>}>
          <div className="max-h-[65vh] space-y-3 overflow-y-auto">
            {children && <div className="space-y-2">{children}</div>}
            <N8nWorkflowDownloads kinds={kinds} channelId={channelId} />
          </div>
        </Dialog>
      )}
    </>
  );
}
