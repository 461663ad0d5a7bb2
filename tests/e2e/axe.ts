/**
 * Runs axe-core (the npm package pinned in deno.json) inside a page and
 * returns its serious and critical violations, one line each.
 *
 * @module
 */
import type { Page } from "puppeteer-core";

/** The axe-core script, read once from node_modules. */
let source: Promise<string> | null = null;

function axeSource(): Promise<string> {
  source ??= Deno.readTextFile(
    new URL("../../node_modules/axe-core/axe.min.js", import.meta.url),
  );
  return source;
}

/** One violation axe found, as a readable line. */
export interface AxeProblem {
  /** The rule id, e.g. `color-contrast`. */
  id: string;
  /** `serious` or `critical`. */
  impact: string;
  /** What is wrong and where (selectors of the first nodes). */
  detail: string;
}

/**
 * Injects axe-core (once per document) and runs it on the whole page (WCAG
 * 2 A and AA rules and best practices); returns the serious and critical
 * violations.
 */
export async function axeProblems(page: Page): Promise<AxeProblem[]> {
  const present = await page.evaluate(() => "axe" in globalThis);
  if (!present) await page.addScriptTag({ content: await axeSource() });
  return await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const axe = (globalThis as any).axe;
    const result = await axe.run(document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
      },
    });
    // deno-lint-ignore no-explicit-any
    return result.violations.filter((v: any) =>
      v.impact === "serious" || v.impact === "critical"
    ).map(
      // deno-lint-ignore no-explicit-any
      (v: any) => ({
        id: v.id,
        impact: v.impact,
        detail: `${v.help}: ${
          // deno-lint-ignore no-explicit-any
          v.nodes.slice(0, 4).map((n: any) =>
            `${n.target.join(" ")} (${
              (n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 160)
            })`
          ).join("; ")}`,
      }),
    );
  });
}
