// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) on a listening service,
// with a fresh profile and no background traffic: the page may only talk to the service.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { listen, makeApp } from './app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserOnService { app: Awaited<ReturnType<typeof makeApp>>; base: string; context: BrowserContext; close(): Promise<void> }

export async function openBrowserOnService(): Promise<BrowserOnService> {
  const app = await makeApp();
  const base = await listen(app);
  const profile = mkdtempSync(join(tmpdir(), 'gs-browser-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  return {
    app,
    base,
    context,
    close: async () => {
      await context.close();
      await app.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
