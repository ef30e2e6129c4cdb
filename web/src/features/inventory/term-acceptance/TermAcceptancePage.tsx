/** Placeholder until this page is built. */
export function TermAcceptancePage() {
  return <p className="p-6 text-slate-500">Em construção</p>;
}
