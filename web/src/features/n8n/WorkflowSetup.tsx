import type { ReactNode } from 'react';
import type { GeneratedWorkflow } from './types';

const code = 'font-mono text-xs text-zinc-900';

/** What to create in n8n for a downloaded workflow: its credentials (named exactly), its environment variables, and the steps. */
export function WorkflowSetup({ generated }: { generated: GeneratedWorkflow }) {
  const { fileName, credentials, environment } = generated;
  return (
    <div className="space-y-3 rounded-md border border-zinc-200 bg-zinc-50 p-3 text-xs text-zinc-700" data-testid="n8n-workflow-setup">
      <p>
        <code className={code}>{fileName}</code> baixado. No n8n, crie as credenciais abaixo com exatamente estes nomes (o n8n as liga ao
        workflow pelo nome){environment.length > 0 && ' e defina as variáveis de ambiente'}; depois, em Workflows → Import from File,
        importe o arquivo e ative o workflow.
      </p>
      <SetupList title="Credenciais a criar no n8n">
        {credentials.map((credential) => (
          <li key={credential.name} className="space-y-1">
            <p>
              <code className={code}>{credential.name}</code> <span className="text-zinc-500">· tipo {credential.typeLabel}</span>
            </p>
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-2 gap-y-0.5 pl-3">
              {Object.entries(credential.fields).map(([field, what]) => (
                <FieldValue key={field} name={field} what={what} />
              ))}
            </dl>
          </li>
        ))}
      </SetupList>
      {environment.length > 0 && (
        <SetupList title="Variáveis de ambiente do n8n">
          {environment.map((variable) => (
            <li key={variable.name}>
              <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-2">
                <FieldValue name={variable.name} what={variable.value} code />
              </dl>
            </li>
          ))}
        </SetupList>
      )}
    </div>
  );
}

function SetupList({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="space-y-1.5">
      <h4 className="font-semibold text-zinc-900">{title}</h4>
      <ul className="space-y-2">{children}</ul>
    </section>
  );
}

/** A field (or variable) and what goes in it. */
function FieldValue({ name, what, code: asCode = false }: { name: string; what: string; code?: boolean }) {
  return (
    <>
      <dt className={asCode ? code : 'font-medium text-zinc-900'}>{name}</dt>
      <dd className="break-words">{what}</dd>
    </>
  );
}
