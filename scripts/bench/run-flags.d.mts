export const RUN: string;
export const RUN_FLAGS: string[];
export const RUN_ENV: Record<string, string>;
