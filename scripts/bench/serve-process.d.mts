export function startServe(archiveDir: string): Promise<{ url: string; stop: () => void }>;
