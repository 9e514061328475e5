// Agent Desktop Simulator: run a JS handler module under Node, headless.
//
//   node node-runner.mjs HANDLER.mjs
//
// Loads the adApi shim (api.js) with a JSON-lines transport, imports the handler module (ESM
// `export function register(adApi)` or CommonJS `module.exports.register`) and calls
// `register(new AdApi(...))` (integrationKey "simulator" unless the module exports
// `adApiOptions`). Packets come on stdin and go out on a pipe of their own ($ADSIM_PACKET_FD;
// stdout where there is none), each line starting with $ADSIM_PACKET_TAG. Console output (and the
// module's own process.stdout.write) goes to stderr; what reaches file descriptor 1 another way
// (fs.writeSync(1, ...), a child process's output) is the module's output, shown by adsim.
// `adsim run SCENARIO --js-handler HANDLER.mjs` starts this; the simulator is the widget.
import { spawnSync } from "node:child_process";
import { readFileSync, realpathSync, writeSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { Socket } from "node:net";
import { dirname, isAbsolute, resolve } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
// The packets' own pipe: on node's stdout, the module's file descriptor 1 too, a child process
// writing there (`stdio: "inherit"`) while a long packet went out in pieces landed in its middle
// (the packet was lost), and the pipe was non-blocking: the module's writeSync(1, ...) of 100 KB
// was cut short, or threw EAGAIN, when adsim read behind. Taken out of the environment.
const PACKET_FD = Number(process.env.ADSIM_PACKET_FD);
delete process.env.ADSIM_PACKET_FD;
const piped = Number.isInteger(PACKET_FD) && PACKET_FD > 2;
const out = piped ? new Socket({ fd: PACKET_FD, readable: false, writable: true }) : process.stdout;
// Node's stdout is then the module's output alone: blocking, as a terminal is (what the module
// and its child processes write there is whole; adsim shows it).
if (piped) process.stdout._handle?.setBlocking?.(true);
// stdin is the transport's alone: the module gets a process.stdin of its own, which carries no
// data and ends when adsim closes the real one (at the end of the run). A module that paused,
// destroyed or stopped listening to process.stdin stopped every event after it, and adsim blamed
// "a loop that never ends?" on an event loop that ran.
const input = process.stdin;
const moduleStdin = new Readable({ read() {} });
moduleStdin.resume(); // flowing, as the real one was: its "end" comes without a reader
input.on("end", () => moduleStdin.push(null));
Object.defineProperty(process, "stdin", {
  value: moduleStdin,
  configurable: true,
  enumerable: true,
  writable: true,
});
// Taken out of the environment: the module's child processes never see it.
const TAG = process.env.ADSIM_PACKET_TAG ?? "";
delete process.env.ADSIM_PACKET_TAG;
const writeOut = out.write.bind(out);
const stdout = process.stdout;
/** One packet line (JSON and its newline) to adsim, marked; "" (a flush) as it is. */
const writePacket = (line, ...rest) => writeOut(line ? TAG + line : line, ...rest);
// The module's own process.stdout.write goes to stderr, as its console does (where the packets
// share stdout, a write with no newline, "saving... ", was glued to the next packet, which was
// lost).
stdout.write = (...args) => process.stderr.write(...args);
// Console output written as it is made, one line per write: to a pipe (CI's `2>&1 | tee`) Node
// queues it otherwise, and writes the queue in chunks that split lines (another writer's line
// glued into the middle of one) and that process.exit drops.
process.stderr._handle?.setBlocking?.(true);
// A line the module's output leaves open ("saving... " with no newline) is ended before it says
// it has handled an event (and before node ends on an error of it), as a Python plugin's process
// does: the next module's line, or adsim's, starts a line of its own (it was glued to its end).
const err = process.stderr;
const writeErr = err.write.bind(err);
let lineOpen = false;
err.write = (chunk, ...rest) => {
  if (chunk?.length) {
    lineOpen = typeof chunk === "string" ? !chunk.endsWith("\n") : chunk[chunk.length - 1] !== 10;
  }
  return writeErr(chunk, ...rest);
};
function endLine() {
  if (lineOpen) {
    lineOpen = false;
    writeErr("\n");
  }
}
for (const level of ["log", "info", "debug", "warn"]) {
  console[level] = (...args) => console.error(...args);
}

function send(packet) {
  writePacket(JSON.stringify(packet) + "\n");
}

let failure = null; // the load error said (fail), said again should node then end on an error

function fail(message) {
  failure = message;
  send({ uid: "runner", type: "__error__", params: [message] });
  process.exitCode = 2;
}

// Where the runner's last words go (why node ends: a crash, an exit while loading): a pipe of
// their own, which nothing else fills, so they never wait for room. On stdout, a pipe that does
// not block, they were lost when adsim read behind (a burst of requests before a crash): the
// write failed (EAGAIN), and node ended unexplained. Taken out of the environment, as the tag is.
const LAST_WORDS_FD = Number(process.env.ADSIM_LAST_WORDS_FD);
delete process.env.ADSIM_LAST_WORDS_FD;
const LAST_WORDS_CHARS = 4000; // two packets fit the pipe (64 KiB) whatever their characters

/** The packet written at once (on the way out: a queued write would be lost). */
function sendNow(packet) {
  const [said] = packet.params;
  if (Number.isInteger(LAST_WORDS_FD) && LAST_WORDS_FD > 2) {
    const cut = said.length > LAST_WORDS_CHARS ? `${said.slice(0, LAST_WORDS_CHARS)}...` : said;
    try {
      writeSync(LAST_WORDS_FD, TAG + JSON.stringify({ ...packet, params: [cut] }) + "\n");
      return;
    } catch {
      // closed: try stdout
    }
  }
  try {
    writeSync(piped ? PACKET_FD : 1, "\n" + TAG + JSON.stringify(packet) + "\n"); // a line of its own
  } catch {
    // adsim has gone: nobody to tell
  }
}

/** What was thrown, for the one-line error: `TypeError: x`, or the value when it is no Error
 * (`throw "x"`, `throw null`: reading their `.message` lost it or crashed the runner). */
function thrown(error) {
  if (error instanceof Error || (typeof error?.message === "string" && error.message)) {
    let message = error.message;
    // Node's "Require stack:" lines after a missing module name the module itself: said already.
    if (error.code === "MODULE_NOT_FOUND") message = message.split("\nRequire stack:")[0];
    return `${error.name || "Error"}: ${message}`;
  }
  let shown;
  try {
    shown = JSON.stringify(error);
  } catch {
    shown = undefined;
  }
  return `threw ${shown ?? String(error)}`;
}

/** The first frame of `error`'s stack in `path`: named by its path, or by its file URL (an ES
 * module's frames are, percent-encoded: "my crm" is "my%20crm" there). */
function frameOf(error, path) {
  const href = pathToFileURL(path).href;
  return String(error?.stack || "")
    .split("\n")
    .find((l) => l.includes(path) || l.includes(href));
}

// The runner's own files, never the place of a module's error.
const RUNNER = fileURLToPath(import.meta.url);
const OWN_FILES = new Set([RUNNER, resolve(dirname(RUNNER), "api.js")]);

/** The file and line of one line of a stack ("    at f (file:///x/a.mjs:3:7)", "    at
 * /x/a.cjs:3:7"), or null (Node's own code, an eval). */
function placeIn(stackLine) {
  const body = stackLine.trim();
  if (!body.startsWith("at ")) return null;
  // The location follows the function's name in parentheses, or stands alone; a path may hold
  // parentheses itself ("/tmp/a (copy)/x.mjs"), so each opening one is tried from the left.
  const starts = [3];
  for (let at = body.indexOf("(", 3); at >= 0; at = body.indexOf("(", at + 1)) starts.push(at + 1);
  for (const start of starts) {
    const found = /^(.+):(\d+):\d+\)?$/.exec(body.slice(start));
    if (!found) continue;
    let file = found[1];
    if (file.startsWith("file:")) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    } else if (!isAbsolute(file)) continue;
    return { file, line: Number(found[2]) };
  }
  return null;
}

/** The places of the module's own code in `error`'s stack, the innermost first: where a
 * CommonJS syntax error is (its stack starts with Node's "file:line", the source line and a caret
 * under the column), then each frame. */
function placesOf(error) {
  const lines = String(error?.stack || "").split("\n");
  const places = [];
  const arrow = /^(.+):(\d+)$/.exec(lines[0]);
  let file = arrow?.[1];
  if (file?.startsWith("file:")) {
    try {
      file = fileURLToPath(file);
    } catch {
      file = null;
    }
  }
  if (file && isAbsolute(file)) {
    const column = /^\s*\^/.test(lines[2] || "") ? lines[2].indexOf("^") + 1 : 0;
    places.push({ file, line: Number(arrow[2]), column });
  }
  for (const line of lines.slice(1)) {
    const place = placeIn(line);
    if (place && !OWN_FILES.has(place.file)) places.push(place);
  }
  return places;
}

/** Where an error was thrown, of `places`: the innermost outside any package, else the first. */
function thrownAt(places) {
  return places.find((p) => !/[\\/]node_modules[\\/]/.test(p.file)) ?? places[0];
}

/** Whether `file` is the module at `path` (Node names a module by its real path). */
function isModule(file, path) {
  if (file === path) return true;
  try {
    return realpathSync(file) === realpathSync(path);
  } catch {
    return false;
  }
}

// The walk of the module's imports, and its word, must reach adsim within its load timeout
// (counted from node's start, $ADSIM_LOAD_TIMEOUT_MS): it looks for at most WALK_MAX_MS, less
// when the import itself took long; the walker's own node gets WALK_START_MS more to start.
const LOAD_TIMEOUT_MS = Number(process.env.ADSIM_LOAD_TIMEOUT_MS) || 15000;
const WALK_MAX_MS = Number(process.env.ADSIM_IMPORT_WALK_MS) || 5000; // tests shorten it
const WALK_START_MS = 5000;
const WORD_MS = 1000; // the load error's way to adsim, after the walk

/** How long a walk may look while the module loads (0: no time is left for one). */
function loadWalkMs() {
  return Math.max(0, Math.min(WALK_MAX_MS, LOAD_TIMEOUT_MS - WALK_START_MS - WORD_MS - performance.now()));
}

const seconds = (ms) => `${Number((ms / 1000).toFixed(3))} s`;

/** Walk the module's imports (import-trail.mjs, which runs none of them) for up to `budgetMs`:
 * the specifier of its import that leads to `target`, or to the file with a syntax error, and
 * that error's place; `slow` says why nothing could be found in time. */
function importTrail(path, target, budgetMs = WALK_MAX_MS) {
  if (budgetMs <= 0) return { slow: "no time was left to walk its imports within the load timeout" };
  const walker = resolve(dirname(RUNNER), "import-trail.mjs");
  const walk = spawnSync(
    process.execPath,
    ["--experimental-vm-modules", "--no-warnings", walker, path, target || "", String(Math.round(budgetMs))],
    { encoding: "utf8", timeout: budgetMs + WALK_START_MS, killSignal: "SIGKILL" }
  );
  if (walk.error?.code === "ETIMEDOUT" || walk.signal) {
    return { slow: `the walk of its imports did not end within ${seconds(budgetMs + WALK_START_MS)}` };
  }
  try {
    return JSON.parse(walk.stdout || "{}");
  } catch {
    return {};
  }
}

/** The line of the module at `path` that names `specifier` (its import of it), or 1. */
function importLine(path, specifier) {
  if (!specifier) return 1;
  let source;
  try {
    source = readFileSync(path, "utf8");
  } catch {
    return 1;
  }
  const at = source.split("\n").findIndex((l) => [`"`, `'`, "`"].some((q) => l.includes(q + specifier + q)));
  return at >= 0 ? at + 1 : 1;
}

/** `file:line: what` for an error loading the module at `path` (importing it, or in its
 * register). The line is the module's own (where it imports or calls the file at fault); the
 * error's place in another file of its own follows the error, as for a Python plugin: `crm.mjs:2:
 * SyntaxError: Unexpected token ';' (/x/helper.mjs:3)`. Node gives no place for a syntax error
 * in an ES module: a walk of the module's imports finds it. */
function loadError(error, path) {
  const places = placesOf(error);
  const at = thrownAt(places);
  let line = places.find((p) => isModule(p.file, path))?.line;
  const column = at?.column ? `:${at.column}` : ""; // a syntax error's, under its caret
  let elsewhere = at && !isModule(at.file, path) ? `${at.file}:${at.line}${column}` : null;
  // The column of a syntax error in the module itself, after its line (`crm.mjs:2:11:`).
  let own = at && !elsewhere && error instanceof SyntaxError && at.line === line ? column : "";
  if (elsewhere && line === undefined) {
    line = importLine(path, importTrail(path, at.file, loadWalkMs()).specifier);
  }
  if (!at && error instanceof SyntaxError) {
    const trail = importTrail(path, null, loadWalkMs());
    const place = trail.place ? /^(.*?):(\d+)(?::(\d+))?$/.exec(trail.place) : null;
    if (place && isModule(place[1], path)) {
      line = Number(place[2]);
      own = place[3] ? `:${place[3]}` : "";
    } else if (place) {
      line = importLine(path, trail.specifier);
      elsewhere = trail.place;
    } else if (trail.slow) elsewhere = `its place was not found: ${trail.slow}`;
  }
  return `${path}:${line ?? 1}${own}: ${thrown(error)}${elsewhere ? ` (${elsewhere})` : ""}`;
}

/** What to do about a package the module imports that is not installed, or "": Node's message
 * says only that it cannot find it (and, from `require`, the "Require stack" after it). */
function missingPackage(error) {
  if (error?.code !== "MODULE_NOT_FOUND" && error?.code !== "ERR_MODULE_NOT_FOUND") return "";
  const name = /Cannot find (?:module|package) '([^']+)'/.exec(String(error.message))?.[1];
  if (!name || /^(\.{1,2}[\\/]|[\\/]|file:|node:|[A-Za-z]:)/.test(name)) return "";
  const parts = name.split("/");
  const pkg = name.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return `; install it (npm install ${pkg}) in the module's folder or one above it`;
}

/** The line of `path` in the stack of `error`, or null. */
function lineIn(error, path) {
  const frame = frameOf(error, path);
  return frame ? /:(\d+):\d+\)?$/.exec(frame)?.[1] ?? null : null;
}

const file = process.argv[2];
// Where the module is: "importing", "registering", then "running" (or "failed", said already).
let phase = "importing";
let exitCall = null; // process.exit(code) the module called while loading: {code, line}

/** Node is ending while the module loads: say why, as the load's one-line error. */
function endedWhileLoading(code, path) {
  const during = phase === "importing" ? "while importing it" : "in register(adApi)";
  let why;
  if (exitCall) why = `process.exit(${exitCall.code ?? ""}) called`;
  else if (phase === "importing" && code === 0) {
    // Node's loop ran dry with the import still pending (node then exits 13).
    why = "its top-level await never settled (it waits for a promise nothing will resolve)";
  } else why = `node exited (code ${code})`;
  sendNow({ uid: "runner", type: "__error__", params: [`${path}:${exitCall?.line ?? 1}: ${why} ${during}`] });
}

/** What the module threw outside any handler (a timer, a promise nobody awaited): node ends, and
 * adsim names the cause in the outcomes (`__crash__`), not only "exited (code 1)". */
function crashed(error, origin, path) {
  endLine(); // node's own lines about the error follow
  // Where it was thrown in the module's own files: one it imports too (a timer set there), which
  // went unsaid ("after Error: boom"); in a package's, the module's own line that called it.
  const at = thrownAt(placesOf(error));
  const where = at ? `${at.file}:${at.line}: ` : "";
  const how = origin === "unhandledRejection" ? "a promise rejected with no catch" : "thrown outside any handler";
  const message = `${where}${thrown(error)} (${how})`;
  if (phase === "running") sendNow({ uid: "runner", type: "__crash__", params: [message] });
  else if (failure) {
    // Said already: the load error itself, at once (the queued packet dies with node), not an
    // error that follows from it (importing a CommonJS file with a syntax error, Node 20 rejects
    // a promise of its own too, with no catch).
    sendNow({ uid: "runner", type: "__error__", params: [failure] });
  } else {
    const said = `${loadError(error, path)} (${how})${missingPackage(error)}`;
    phase = "failed";
    sendNow({ uid: "runner", type: "__error__", params: [said] });
  }
}

// Node's environment carries a mark ($ADSIM_NODE_MARK) by which adsim finds, once node has ended,
// what the module started and left running outside node's process group (`detached: true`). A
// child given an environment of its own (`env: {}`) did not carry it, and ran on after the run,
// unsaid: the mark now goes into whatever environment the module gives a child process.
const MARK_ENV = "ADSIM_NODE_MARK";
const MARK = process.env[MARK_ENV];

/** `args` of a child_process function, the mark put into the environment its options give. */
function marked(args) {
  const at = args.findLastIndex((arg) => arg !== null && typeof arg === "object" && !Array.isArray(arg));
  const options = args[at];
  if (at < 0 || options.env === null || typeof options.env !== "object") return args;
  const copy = [...args];
  copy[at] = { ...options, env: { ...options.env, [MARK_ENV]: MARK } };
  return copy;
}

if (MARK) {
  const childProcess = require("node:child_process");
  const pair = `${MARK_ENV}=${MARK}`;
  // spawn, exec, execFile and fork (and what a library calls) all start here, the environment
  // made into envPairs.
  const spawnChild = childProcess.ChildProcess.prototype.spawn;
  childProcess.ChildProcess.prototype.spawn = function (options) {
    if (Array.isArray(options?.envPairs) && !options.envPairs.includes(pair)) {
      options.envPairs = [...options.envPairs.filter((p) => !p.startsWith(`${MARK_ENV}=`)), pair];
    }
    return spawnChild.call(this, options);
  };
  for (const name of ["spawnSync", "execSync", "execFileSync"]) {
    const original = childProcess[name];
    childProcess[name] = function (...args) {
      return original.apply(this, marked(args));
    };
  }
  syncBuiltinESMExports(); // `import { spawnSync } from "node:child_process"` gets these too
}

// At the end of the run (adsim closes node's stdin) the module's pending work (a fetch it did not
// await, a timer, a write) gets a grace to finish: node ends by itself once nothing keeps its
// event loop alive, as a plain script does. Node used to exit at once: that work was lost with
// nothing said. What still keeps it alive after the grace is named (`__pending__`: adsim makes it
// a line of the summary) and node exits.
const graceSet = Number(process.env.ADSIM_END_GRACE_MS || "none");
const END_GRACE_MS = graceSet >= 0 ? graceSet : 500;
delete process.env.ADSIM_END_GRACE_MS;
/** What the kinds of resources Node names are, said in the summary beside them. */
const KINDS = {
  Timeout: "timer",
  Immediate: "setImmediate",
  TCPSocketWrap: "socket: a fetch or connection",
  TCPConnectWrap: "connection being made",
  TCPServerWrap: "server listening",
  GetAddrInfoReqWrap: "DNS lookup",
  FSReqCallback: "file operation",
  FSReqPromise: "file operation",
  FileHandle: "open file",
  ProcessWrap: "child process",
  PipeWrap: "pipe",
  WriteWrap: "write",
  UDPWrap: "UDP socket",
  FSEventWrap: "file watcher",
  StatWatcher: "file watcher",
};
/** The handle kinds of the runner's own pipes and stdio (a pipe, a TTY), which Node lists. */
const OWN = { Pipe: "PipeWrap", TTY: "TTYWrap", TCP: "TCPSocketWrap" };

/** What keeps node's event loop alive besides the runner's own stdio, said ("Timeout (timer)
 * x2, ..."), or "" when nothing does. */
function pendingWork() {
  const kinds = process.getActiveResourcesInfo();
  for (const stream of new Set([out, err, stdout])) {
    const own = OWN[stream._handle?.constructor?.name];
    const at = own && stream._handle.hasRef?.() !== false ? kinds.indexOf(own) : -1;
    if (at >= 0) kinds.splice(at, 1);
  }
  const counts = new Map();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts]
    .map(([kind, n]) => `${kind}${KINDS[kind] ? ` (${KINDS[kind]})` : ""}${n > 1 ? ` x${n}` : ""}`)
    .join(", ");
}

/** The grace is over and node still runs: name what keeps it, then exit. */
function endOfGrace() {
  // The packets still queued for adsim go out first (process.exit drops them), and are no
  // pending work of the module's.
  writePacket("", () => {
    const left = pendingWork();
    if (!left) return; // node ends by itself, as it would have without this timer
    sendNow({ uid: "runner", type: "__pending__", params: [left] });
    process.exit(process.exitCode ?? 0);
  });
}

if (!file) {
  fail("node-runner.mjs: name the handler module to run");
} else {
  const timeout = Number(process.env.ADSIM_API_TIMEOUT_MS);
  globalThis.brightpattern = globalThis.brightpattern || {};
  if (timeout > 0) globalThis.brightpattern.apiTimeoutMs = timeout;
  if (process.env.ADSIM_WIDGET) globalThis.brightpattern.widgetVersion = process.env.ADSIM_WIDGET;
  // The events the run's adApi version lacks, each with the error adApi.on of it throws (as a
  // Python plugin's ad_api.on raises): in register (the module does not load, unless it catches
  // it) and in a handler (that call fails). Taken out of the environment, as the tag is.
  globalThis.brightpattern.laterEvents = JSON.parse(process.env.ADSIM_LATER_EVENTS || "{}");
  delete process.env.ADSIM_LATER_EVENTS;
  const { AdApi, transports } = require("./api.js");
  const path = resolve(file);
  // A handler's SyntaxError with no place of its own (it imported a file that does not parse):
  // the shim names that file's place, found by a walk of the module's imports. Only an error
  // Node's module loader threw: a JSON.parse of an HTML body has no place either, and the walk
  // named an unrelated file that does not parse (and took its seconds at each failed call). The
  // walk's answer is the same at each call: it is made once.
  let walked;
  globalThis.brightpattern.placeOfSyntaxError = (error) => {
    if (!/node:internal\/modules\//.test(String(error?.stack ?? ""))) return null;
    walked ??= importTrail(path).place ?? null;
    return walked;
  };
  globalThis.brightpattern.sayPlaces = true; // where the module calls adApi.on: its outcomes' name
  const exit = process.exit;
  process.exit = function (code) {
    if (phase === "importing" || phase === "registering") {
      exitCall = { code, line: lineIn(new Error(), path) };
    }
    return exit.call(process, code);
  };
  process.on("exit", (code) => {
    if (phase === "importing" || phase === "registering") endedWhileLoading(code, path);
  });
  process.on("uncaughtExceptionMonitor", (error, origin) => crashed(error, origin, path));
  let module;
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    phase = "failed";
    fail(`${loadError(error, path)} while importing it${missingPackage(error)}`);
  }
  if (module) {
    const register =
      module.register ?? module.default?.register ?? (typeof module.default === "function" ? module.default : null);
    if (typeof register !== "function") {
      phase = "failed";
      fail(`${path}:1: no register(adApi) export; add \`export function register(adApi) { ... }\``);
    } else {
      const write = (data, ...rest) => {
        if (String(data).slice(0, 200).includes('"type":"__handled__"')) endLine();
        return writePacket(data, ...rest);
      };
      const transport = transports.stream(input, { write });
      // A fixed integrationKey (as Python handlers get) keeps seeded runs reproducible; a module
      // may choose its own: `export const adApiOptions = { integrationKey: "my-crm" }`.
      const options = {
        integrationKey: "simulator",
        ...JSON.parse(process.env.ADSIM_ADAPI_OPTIONS || "{}"),
        ...(module.adApiOptions ?? module.default?.adApiOptions ?? {}),
      };
      const adApi = new AdApi({ ...options, transport });
      // Whose desktop this node serves (a module runs for every agent of a scenario), as a
      // Python plugin's ad_api.agent: not enumerable, the vendor's instance keeps its own keys.
      Object.defineProperty(adApi, "agent", { value: process.env.ADSIM_AGENT ?? "", enumerable: false });
      phase = "registering";
      globalThis.brightpattern.registering = true; // api.js: a name no event has is ours to say
      try {
        await register(adApi);
        phase = "running";
        send({ uid: "runner", type: "__registered__", params: [] });
      } catch (error) {
        phase = "failed";
        // Said as a Python plugin's load error says it (`crm.py:4: EventNotInVersionError: ...`).
        const during = error?.name === "EventNotInVersionError" ? "" : " in register(adApi)";
        fail(`${loadError(error, path)}${during}${missingPackage(error)}`);
      } finally {
        globalThis.brightpattern.registering = false;
      }
      input.on("end", () => setTimeout(() => endOfGrace(), END_GRACE_MS).unref());
    }
  }
}
