// hash-wasm ships per-algorithm UMD builds without their own declarations; this one holds the
// Argon2 functions of the package index (same code and WebAssembly), so it takes their types.
declare module 'hash-wasm/dist/argon2.umd.min.js' {
  export type HashWasmArgon2 = Pick<typeof import('hash-wasm'), 'argon2id' | 'argon2i' | 'argon2d' | 'argon2Verify'>;
  const argon2: HashWasmArgon2;
  export default argon2;
}
