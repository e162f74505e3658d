export const RUN: string;
export const RUN_FLAGS: string[];
