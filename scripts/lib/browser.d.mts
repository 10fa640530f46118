// Types for the TypeScript e2e tests, which load browser.mjs with a dynamic import().
import type { BrowserContext, Page } from "playwright-core";

export declare const CHROMIUM_ARGS: string[];
export declare function launchChromium(options?: { viewport?: { width: number; height: number } }): Promise<{
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}>;
