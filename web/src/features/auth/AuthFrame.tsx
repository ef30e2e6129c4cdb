import type { ReactNode } from 'react';

/** The card the public pages put their form (or message) in. */
export const AUTH_CARD = 'space-y-4 rounded-xl border border-zinc-200 bg-white p-6 shadow-sm';

/** The frame of the pages seen without a session (login, invitation): logo, title, one card. */
export function AuthFrame({ title, subtitle, children }: { title: string; subtitle: ReactNode; children: ReactNode }) {
  return (
    <main className="grid min-h-screen place-items-center bg-gradient-to-b from-zinc-100 to-zinc-50 px-4">
      <div className="w-full max-w-sm space-y-6">
        <div className="space-y-2 text-center">
          <div className="mx-auto grid size-10 place-items-center rounded-xl bg-zinc-900 text-lg font-bold text-white">B</div>
          <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
          <p className="text-sm text-zinc-500">{subtitle}</p>
        </div>
        {children}
      </div>
    </main>
  );
}
