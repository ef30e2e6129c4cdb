import { useState } from 'react';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { FormDialog } from '../../../ui/FormDialog';
import type { ApiConfig } from './types';

/** Changes (or, left blank, removes) where a config's status callbacks go. */
export function CallbackUrlDialog({ config, onClose }: { config: ApiConfig; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const [callbackUrl, setCallbackUrl] = useState(config.callbackUrl ?? '');
  const update = trpc.helpdesk.apiConfigs.update.useMutation({
    onSuccess: () => {
      toast.success(`Callback de ${config.name} salvo`);
      void utils.helpdesk.apiConfigs.list.invalidate();
      onClose();
    },
  });
  return (
    <FormDialog
      title={`Callback de ${config.name}`}
      submitLabel="Salvar callback"
      mutation={update}
      fields={['callbackUrl']}
      onSubmit={() => update.mutate({ apiId: config.apiId, callbackUrl: callbackUrl.trim() || null })}
      onClose={onClose}
      testId="callback-url-dialog"
    >
      <TextField
        label="URL de callback"
        type="url"
        value={callbackUrl}
        onChange={(event) => setCallbackUrl(event.target.value)}
        error={fieldErrorsOf(update.error).callbackUrl}
        hint="Em branco, os status deixam de ser enviados."
      />
    </FormDialog>
  );
}
