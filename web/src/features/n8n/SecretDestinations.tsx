import { SECRET_HEADER } from './names';

const code = 'font-mono text-xs text-zinc-900';

interface SecretDestinationsProps {
  /** The Header Auth credential the workflows call Balcão with. */
  credential: string;
  /** The environment variable the outbound workflow checks Balcão's signature with. */
  environmentVariable: string;
  /** Which workflow checks the signature ("o workflow de saída"). */
  checkedBy: string;
}

/** Where a secret shown once goes in n8n: the Header Auth credential and the environment variable, both with the same value. */
export function SecretDestinations({ credential, environmentVariable, checkedBy }: SecretDestinationsProps) {
  return (
    <div
      className="space-y-1 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-xs text-zinc-700"
      data-testid="n8n-secret-destinations"
    >
      <p className="font-medium text-zinc-900">No n8n, este segredo vai em dois lugares:</p>
      <ul className="list-disc space-y-1 pl-4">
        <li>
          na credencial Header Auth <code className={code}>{credential}</code>: Name{' '}
          <code className={`${code} whitespace-nowrap`}>{SECRET_HEADER}</code>, Value este segredo;
        </li>
        <li>
          na variável de ambiente <code className={code}>{environmentVariable}</code>, com o mesmo valor: {checkedBy} confere com ela a
          assinatura do Balcão.
        </li>
      </ul>
    </div>
  );
}
