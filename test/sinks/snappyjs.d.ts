// snappyjs ships no types: the two functions it exports, as its index.js defines them. The tests decode
// with it, a second implementation beside the native one the sink compresses with.
declare module 'snappyjs' {
  export function compress(input: Uint8Array): Uint8Array;
  export function uncompress(input: Uint8Array, maxLength?: number): Uint8Array;
}
