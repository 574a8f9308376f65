// The package's default entry point (browsers, bundlers, Deno): fetches
// and instantiates `walletscreen_bg.wasm` (resolved beside this file with
// `new URL(..., import.meta.url)`, which bundlers rewrite to the emitted
// asset) with a top-level await, so the API is ready as soon as the
// import is. Where top-level await is not allowed (service workers, some
// bundler targets), import "walletscreen/manual" and `await init()`.
import { init } from "./api.js";

await init();

export * from "./api.js";
