// Agent Desktop Simulator: run a JS handler module under Node, headless.
//
//   node node-runner.mjs HANDLER.mjs
//
// Loads the adApi shim (api.js) with a JSON-lines transport on stdin/stdout, imports the handler
// module (ESM `export function register(adApi)` or CommonJS `module.exports.register`) and calls
// `register(new AdApi(...))` (integrationKey "simulator" unless the module exports
// `adApiOptions`). stdout carries packets only: console output goes to stderr.
// `adsim run SCENARIO --js-handler HANDLER.mjs` starts this; the simulator is the widget.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const out = process.stdout;
// Console output written as it is made, one line per write: to a pipe (CI's `2>&1 | tee`) Node
// queues it otherwise, and writes the queue in chunks that split lines (another writer's line
// glued into the middle of one) and that process.exit drops.
process.stderr._handle?.setBlocking?.(true);
for (const level of ["log", "info", "debug", "warn"]) {
  console[level] = (...args) => console.error(...args);
}

function send(packet) {
  out.write(JSON.stringify(packet) + "\n");
}

function fail(message) {
  send({ uid: "runner", type: "__error__", params: [message] });
  process.exitCode = 2;
}

/** What was thrown, for the one-line error: `TypeError: x`, or the value when it is no Error
 * (`throw "x"`, `throw null`: reading their `.message` lost it or crashed the runner). */
function thrown(error) {
  if (error instanceof Error || (typeof error?.message === "string" && error.message)) {
    return `${error.name || "Error"}: ${error.message}`;
  }
  let shown;
  try {
    shown = JSON.stringify(error);
  } catch {
    shown = undefined;
  }
  return `threw ${shown ?? String(error)}`;
}

/** The line of `path` an import error points at (Node omits it for ES module syntax errors). */
function errorLine(error, path) {
  const stack = String(error?.stack || "");
  const frame = stack.split("\n").find((l) => l.includes(path));
  const found = frame ? /:(\d+)(?::\d+)?\)?$/.exec(frame) : null;
  if (found) return found[1];
  if (error instanceof SyntaxError) {
    const check = spawnSync(process.execPath, ["--check", path], { encoding: "utf8" });
    const line = new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+)`).exec(check.stderr || "");
    if (line) return line[1];
  }
  return 1;
}

const file = process.argv[2];
if (!file) {
  fail("node-runner.mjs: name the handler module to run");
} else {
  const timeout = Number(process.env.ADSIM_API_TIMEOUT_MS);
  globalThis.brightpattern = globalThis.brightpattern || {};
  if (timeout > 0) globalThis.brightpattern.apiTimeoutMs = timeout;
  if (process.env.ADSIM_WIDGET) globalThis.brightpattern.widgetVersion = process.env.ADSIM_WIDGET;
  const { AdApi, transports } = require("./api.js");
  const path = resolve(file);
  let module;
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    fail(`${path}:${errorLine(error, path)}: ${thrown(error)} while importing it`);
  }
  if (module) {
    const register =
      module.register ?? module.default?.register ?? (typeof module.default === "function" ? module.default : null);
    if (typeof register !== "function") {
      fail(`${path}:1: no register(adApi) export; add \`export function register(adApi) { ... }\``);
    } else {
      const transport = transports.stream(process.stdin, out);
      // A fixed integrationKey (as Python handlers get) keeps seeded runs reproducible; a module
      // may choose its own: `export const adApiOptions = { integrationKey: "my-crm" }`.
      const options = {
        integrationKey: "simulator",
        ...JSON.parse(process.env.ADSIM_ADAPI_OPTIONS || "{}"),
        ...(module.adApiOptions ?? module.default?.adApiOptions ?? {}),
      };
      const adApi = new AdApi({ ...options, transport });
      try {
        await register(adApi);
        send({ uid: "runner", type: "__registered__", params: [] });
      } catch (error) {
        const frame = String(error?.stack || "").split("\n").find((l) => l.includes(path));
        const line = frame ? /:(\d+):\d+\)?$/.exec(frame)?.[1] : null;
        fail(`${path}:${line || 1}: ${thrown(error)} in register(adApi)`);
      }
      // The packets still queued for stdout go out first: process.exit drops them.
      process.stdin.on("end", () => out.write("", () => process.exit(process.exitCode ?? 0)));
    }
  }
}
