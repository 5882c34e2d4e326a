/**
 * A headless browser for dashboard tests: Debian's chromium driven by playwright-core (nothing is downloaded).
 * `browserMissing()` says why one cannot run here (for shouldSkip: a skip outside CI, a failure under CI=true).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

/** The chromium binary: TUG_CHROMIUM, else Debian's. */
export const CHROMIUM = process.env.TUG_CHROMIUM || "/usr/bin/chromium";

/** Why no browser test can run here, or undefined when one can. */
export function browserMissing(uiIndex: string): string | undefined {
  if (!existsSync(CHROMIUM)) return `no chromium at ${CHROMIUM} (apt-get install chromium, or set TUG_CHROMIUM)`;
  if (!existsSync(uiIndex)) return `the dashboard is not built (${uiIndex}); run npm run build`;
  return undefined;
}

/** Starts headless chromium (no sandbox: tests may run as root in a container). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
}

/** Saves full-page screenshots as `<dir>/<name>.png` and lists what it saved. */
export class Screenshots {
  readonly saved: string[] = [];
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Screenshots `page` as `name`. */
  async take(page: Page, name: string): Promise<void> {
    const path = join(this.dir, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    this.saved.push(path);
  }
}
