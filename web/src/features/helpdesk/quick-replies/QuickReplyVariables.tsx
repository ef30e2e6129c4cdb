import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { QUICK_REPLY_VARIABLES } from '../labels';

const placeholderOf = (variable: string) => `{{${variable}}}`;

/** The variables a quick reply may use, from the server; with `onInsert`, each is a button that adds it to the text. */
export function QuickReplyVariables({ onInsert }: { onInsert?: (placeholder: string) => void }) {
  const variables = trpc.helpdesk.quickReplies.variables.useQuery();
  if (!variables.data) return null;
  return (
    <section aria-label="Variáveis disponíveis" className="space-y-1.5">
      <h3 className="text-sm font-medium text-zinc-700">Variáveis disponíveis</h3>
      <p className="text-xs text-zinc-500">Trocadas pelos dados do ticket quando a resposta é usada.</p>
      <ul className="space-y-1" data-testid="quick-reply-variables">
        {variables.data.map((variable) => (
          <li key={variable} className="flex items-center justify-between gap-2 text-xs">
            <span className="min-w-0">
              <code className="font-mono text-zinc-900">{placeholderOf(variable)}</code>
              <span className="block text-zinc-500">{QUICK_REPLY_VARIABLES[variable] ?? variable}</span>
            </span>
            {onInsert && (
              <Button
                size="sm"
                tone="ghost"
                aria-label={`Inserir ${placeholderOf(variable)}`}
                onClick={() => onInsert(placeholderOf(variable))}
              >
                Inserir
              </Button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
