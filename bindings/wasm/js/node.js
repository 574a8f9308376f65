// The package's Node entry point (package.json `exports`, condition
// "node"): loads the WebAssembly module synchronously from the file
// beside this one, so the API is ready as soon as the import is.
import { readFileSync } from "node:fs";
import { initSync } from "./api.js";

initSync(readFileSync(new URL("./walletscreen_bg.wasm", import.meta.url)));

export * from "./api.js";
