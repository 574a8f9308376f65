// "walletscreen/manual": the API without loading the module. Call
// `await init()` (or `initSync(bytes)`) before `Screener.bundled()`: for
// service workers and other places without top-level await.
export * from "./api.js";
