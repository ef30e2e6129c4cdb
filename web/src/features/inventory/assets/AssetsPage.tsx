/** Placeholder until this page is built. */
export function AssetsPage() {
  return <p className="p-6 text-slate-500">Em construção</p>;
}
