// Small steps and measures shared by the browser tests. Selectors are accessible names and labels.
import type { Page } from 'playwright-core';

const recoveryCodePattern = /\d{4}-\d{4}/;

export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

export async function signOut(page: Page): Promise<void> {
  // At phone widths the account sits behind the Menu button (issue 17 item 7).
  const menu = page.getByRole('button', { name: 'Menu', exact: true });
  if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) === 'false') await menu.click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL('**/login');
}

export async function openSecuritySettings(page: Page): Promise<void> {
  await page.goto('/settings?tab=security');
  await page.getByRole('heading', { level: 2, name: 'Two-factor authentication' }).waitFor();
}

/** The recovery codes on screen, without their "used on" notes. */
export async function readRecoveryCodes(page: Page): Promise<string[]> {
  const items = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await items.first().waitFor();
  return (await items.allTextContents()).map((text) => recoveryCodePattern.exec(text)?.[0] ?? text);
}

/** How far the page is wider than the window (a layout at 375 px must not scroll sideways). */
export async function horizontalOverflowInPixels(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}
