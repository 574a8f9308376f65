// "walletscreen/manual": the same API; call init() before Screener.bundled().
export * from "./index.js";
