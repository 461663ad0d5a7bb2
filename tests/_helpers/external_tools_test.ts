/**
 * The external-tool rule: outside CI a missing tool ignores its tests with a
 * hint; under CI it fails them; `denort` is the one tool ignored under CI
 * too, and `.ci/run` permits exactly that test.
 */
import assert from "node:assert/strict";
import { PERMITTED_IGNORE } from "./external_tools.ts";

const HELPER = new URL("./external_tools.ts", import.meta.url).href;
const ROOT = new URL("../..", import.meta.url).pathname;

/** Runs a snippet against the helper in a child with `env`; returns its output. */
async function probe(
  env: Record<string, string>,
  body: string,
): Promise<{ stdout: string; stderr: string }> {
  const script = `import * as tools from "${HELPER}";\n${body}`;
  const { stdout, stderr, success } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = {
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
  };
  assert.ok(success, `probe failed: ${text.stderr}`);
  return text;
}

const CHECK = `
const ignore = tools.ignoreWithout("redis-server");
let thrown = "";
try { tools.requireTool("redis-server"); } catch (e) { thrown = String(e); }
console.log(JSON.stringify({ ignore, thrown }));
`;

Deno.test("ignoreWithout() ignores a missing tool outside CI, with the install hint once", async () => {
  const { stdout, stderr } = await probe(
    { REDIS_SERVER: "/nonexistent/redis-server", HOME: "/nonexistent" },
    CHECK + `tools.ignoreWithout("redis-server");`,
  );
  const result = JSON.parse(stdout);
  assert.equal(result.ignore, true);
  assert.match(result.thrown, /apt-get install -y redis-server/);
  assert.equal(stderr.match(/redis-server not found/g)?.length, 1);
});

Deno.test("ignoreWithout() under CI does not ignore a missing tool: requireTool() fails the test", async () => {
  const { stdout, stderr } = await probe(
    {
      CI: "1",
      REDIS_SERVER: "/nonexistent/redis-server",
      HOME: "/nonexistent",
    },
    CHECK,
  );
  const result = JSON.parse(stdout);
  assert.equal(result.ignore, false);
  assert.match(result.thrown, /CI: a missing tool fails the run/);
  assert.equal(stderr, "");
});

Deno.test("ignoreWithout('denort') ignores under CI too: the one permitted ignore", async () => {
  const { stdout } = await probe(
    { CI: "1", DENORT_BIN: "/nonexistent/denort", HOME: "/nonexistent" },
    `console.log(JSON.stringify(tools.ignoreWithout("denort")));`,
  );
  assert.equal(JSON.parse(stdout), true);
});

Deno.test("ignoreWithout() runs a test whose tool is here", async () => {
  const deno = Deno.execPath();
  const { stdout } = await probe(
    { CI: "1", DENORT_BIN: deno, HOME: "/nonexistent" },
    `console.log(JSON.stringify([tools.ignoreWithout("denort"), tools.requireTool("denort")]));`,
  );
  assert.deepEqual(JSON.parse(stdout), [false, deno]);
});

Deno.test(".ci/run permits exactly PERMITTED_IGNORE, the compile test's name", async () => {
  const run = await Deno.readTextFile(`${ROOT}.ci/run`);
  const line = run.match(/^PERMITTED_IGNORE="([^"]*)"$/m);
  assert.ok(line, ".ci/run sets no PERMITTED_IGNORE");
  assert.equal(line[1], PERMITTED_IGNORE);
  const compileTest = await Deno.readTextFile(
    `${ROOT}tests/server/standalone_test.ts`,
  );
  assert.match(compileTest, /name: PERMITTED_IGNORE/);
});
