// Drives the demo page (/demo, /demo/es) in headless Chromium as a person would: open the Touchpoint
// widget, type, click a choice, type, click a choice, read the shortlist. Prints one JSON report;
// tests/e2e/test_demo_page_browser.py asserts on it. Usage:
//   node web/e2e/demo_page.mjs <page URL> <en|es> [screenshot prefix | ""] [API origin, when not the page's]
import { chromium } from "playwright-core";

const [url, language, screenshots, api] = process.argv.slice(2);
const SCRIPTS = {
  en: {
    path: "/demo",
    welcome: "Hi! I'm the Terrace & Table assistant.",
    ask: "Hi, I'm looking for a table for my terrace",
    budget: "What budget range did you have in mind for the table?",
    budgetChoice: "€500–€1,000",
    seats: "How many people should the table seat?",
    seatsAnswer: "we are 6 people",
    material: "Do you have a material in mind",
    materialChoice: "Aluminium",
    shortlist: "Here is our shortlist of aluminium tables for 6 people",
  },
  es: {
    path: "/demo/es",
    welcome: "¡Hola! Soy el asistente de Terrace & Table.",
    ask: "Busco una mesa para mi terraza",
    budget: "¿Qué presupuesto tienes en mente para la mesa?",
    budgetChoice: "500 € – 1000 €",
    seats: "¿Para cuántas personas debe ser la mesa?",
    seatsAnswer: "somos 6 personas",
    material: "¿Tienes algún material en mente?",
    materialChoice: "Aluminio",
    shortlist: "Esta es nuestra selección de mesas de aluminio para 6 personas",
  },
};
const script = SCRIPTS[language];
const WAIT = { timeout: 15000 };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // As root in a container, and on a machine with no internet: no sandbox, no background traffic.
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const report = { language, steps: [], consoleErrors: [], pageErrors: [], failedRequests: [], turns: 0 };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: language });
  // The widget renders into a closed shadow root; opened here so the test can read what a person
  // sees (the widget behaves the same either way).
  await page.addInitScript(() => {
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      return attach.call(this, { ...init, mode: "open" });
    };
  });
  page.on("console", (message) => {
    if (message.type() === "error") report.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => report.pageErrors.push(String(error)));
  page.on("response", (response) => {
    if (response.status() >= 400) report.failedRequests.push(`${response.status()} ${response.url()}`);
    if (/\/c\/[^/]+\/[^/]+$/.test(new URL(response.url()).pathname)) report.turns += 1;
  });
  const step = async (name, action) => {
    await action();
    report.steps.push(name);
  };
  const send = async (text) => {
    await page.getByPlaceholder("Type something").fill(text);
    await page.getByRole("button", { name: "Send message" }).click();
  };

  const query = api ? `?api=${encodeURIComponent(api)}` : "";
  await step("open the page", () => page.goto(url + script.path + query));
  await step("open the widget", () => page.locator(".z-launchButton button").click());
  await step("read the welcome", () => page.getByText(script.welcome).waitFor(WAIT));
  await step("type what they look for", () => send(script.ask));
  await step("read the budget question", () => page.getByText(script.budget).waitFor(WAIT));
  if (screenshots) await page.screenshot({ path: `${screenshots}-question.png` });
  await step("click a budget", () => page.getByRole("button", { name: script.budgetChoice }).click());
  await step("read the seats question", () => page.getByText(script.seats).waitFor(WAIT));
  await step("type the seats", () => send(script.seatsAnswer));
  await step("read the material question", () => page.getByText(script.material).waitFor(WAIT));
  await step("click a material", () => page.getByRole("button", { name: script.materialChoice }).click());
  await step("read the shortlist", () => page.getByText(script.shortlist).waitFor(WAIT));
  // Nothing keeps the widget busy afterwards (no polling spinner), nor shows an error bubble.
  await page.waitForTimeout(2000);
  report.thinking = await page.getByLabel("Thinking").count();
  report.errorBubble = await page.getByText("We encountered an issue").count();
  report.inputEnabled = await page.getByPlaceholder("Type something").isEnabled();
  if (screenshots) await page.screenshot({ path: `${screenshots}-shortlist.png` });
} catch (error) {
  report.error = String(error?.message ?? error).split("\n")[0];
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
