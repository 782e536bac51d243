// Debian's Chromium, launched the way this machine needs it: headless, and without the
// background connections that its closed network refuses. Shared by the browser tests.
export const CHROMIUM = "/usr/bin/chromium";

export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}
