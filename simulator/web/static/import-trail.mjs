// Agent Desktop Simulator: where in a JS handler module's imports an import error lies.
//
//   node --experimental-vm-modules --no-warnings import-trail.mjs MAIN [TARGET [BUDGET_MS]]
//
// node-runner.mjs starts this when importing MAIN failed, to name the file and line at fault
// (Node gives none for a syntax error in an ES module, and MAIN's own line for none of the files it
// imports). Walks MAIN's imports of its own files (relative, absolute or file: specifiers, static
// ones and `import("...")` of a literal; packages are not walked), parsing each without running
// any of it, and prints one JSON line: `{specifier, place}`: the specifier of MAIN's import that
// leads to the file at fault, and that file's `file:line:column` when it has a syntax error (`node
// --check` says where). With TARGET, the walk stops at that file (an error was thrown there) and
// `place` is null. `{}` when nothing is found. The walk looks for BUDGET_MS (5000) at most, each
// `node --check` included: when one does not end in the time left, the JSON says so (`slow`).
// Only regular files are read (a FIFO named x.mjs would block the walk for ever).
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SourceTextModule } from "node:vm";

const [main, given, budget] = process.argv.slice(2);
const target = given || null;
const MAX_FILES = 300;
// The walk stops looking after this: adsim waits for the module's load error (its load timeout).
const BUDGET_MS = Number(budget) > 0 ? Number(budget) : 5000;
const DEADLINE = Date.now() + BUDGET_MS;
const SECONDS = `${Number((BUDGET_MS / 1000).toFixed(3))} s`;

/** The walk ran out of time on a file: said in the JSON as `slow`. */
class Slow extends Error {}

/** Whether `file` is a regular file (reading a FIFO or a device would block the walk). */
function regular(file) {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const OWN_FILE = /^(\.{1,2}\/|\/|file:)/; // the module's own files, not packages
const SCRIPT = /\.(m|c)?js$/; // what `node --check` can check (a .json file is no script)

/** The `file:line:column` `node --check` gives for `file` (the column from its caret line), or
 * null when it parses. */
function syntaxError(file) {
  const left = Math.max(1, DEADLINE - Date.now());
  const check = spawnSync(process.execPath, ["--check", file], { encoding: "utf8", timeout: left, killSignal: "SIGKILL" });
  if (check.error?.code === "ETIMEDOUT" || check.signal) {
    throw new Slow(`node --check ${file} did not end within the ${SECONDS} the walk has`);
  }
  const [head, , caret] = String(check.stderr || "").split("\n");
  if (check.status === 0 || !head.startsWith(`${file}:`) || !/:\d+$/.test(head)) return null;
  const column = /^\s*\^/.test(caret || "") ? caret.indexOf("^") + 1 : 0;
  return column ? `${head}:${column}` : head;
}

// `import("./x.mjs")` with a literal specifier (a dynamic import the module's code makes).
const DYNAMIC = /\bimport\s*\(\s*(["'`])([^"'`$\n]+)\1\s*[,)]/g;

/** The import specifiers of `file`: its static ones (when it parses as an ES module), then its
 * dynamic imports of a literal. */
function specifiers(file) {
  if (!regular(file)) return [];
  let source;
  try {
    source = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  let found = [];
  try {
    found = [...new SourceTextModule(source, { identifier: file }).dependencySpecifiers];
  } catch {
    // Not an ES module that parses (CommonJS, a syntax error): its dynamic imports still count.
  }
  for (const match of source.matchAll(DYNAMIC)) if (!found.includes(match[2])) found.push(match[2]);
  return found;
}

const seen = new Set([main]);
const todo = [{ file: main, first: null }];
let found = {};
while (todo.length && seen.size <= MAX_FILES && Date.now() < DEADLINE) {
  const { file, first } = todo.shift();
  if (target ? file === target && first : SCRIPT.test(file) && regular(file)) {
    let place;
    try {
      place = target ? null : syntaxError(file);
    } catch (error) {
      if (!(error instanceof Slow)) throw error;
      found = { specifier: first, place: null, slow: error.message };
      break;
    }
    if (target || place) {
      found = { specifier: first, place };
      break;
    }
  }
  for (const specifier of specifiers(file)) {
    if (!OWN_FILE.test(specifier)) continue;
    let next;
    try {
      next = fileURLToPath(new URL(specifier, pathToFileURL(file)));
    } catch {
      continue;
    }
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push({ file: next, first: first ?? specifier });
  }
}
if (!("specifier" in found) && todo.length && Date.now() >= DEADLINE) {
  found = { slow: `the walk of its imports did not end within the ${SECONDS} it has` };
}
process.stdout.write(JSON.stringify(found) + "\n");
