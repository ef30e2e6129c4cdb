/** Placeholder until this page is built. */
export function ScanPage() {
  return <p className="p-6 text-slate-500">Em construção</p>;
}
