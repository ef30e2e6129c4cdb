/** Types of scripts/build-server.mjs, for the TypeScript that imports it (benches, tests). */
export declare const root: string;
export declare const distFolder: string;
export declare const SERVER_ENTRIES: Readonly<Record<'main' | 'migrate' | 'tenant-seed', string>>;
export declare function serverBuildStaleReason(outdir?: string): string | undefined;
export declare function buildServer(options?: { outdir?: string; log?: (line: string) => void }): Promise<void>;
