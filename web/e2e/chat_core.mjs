// Drives NLX's published SDK, @nlxai/chat-core (pinned in ../package.json), against a Parley gateway,
// configured exactly as its README shows: bot URL `…/c/<deployment>/web`, `nlx-api-key`, a language
// code. Every step's outcome is printed as one JSON document; tests/e2e/test_nlx_chat_core.py asserts
// on it. Usage: PARLEY_URL=http://127.0.0.1:3000 PARLEY_KEY=pub_test_… node web/e2e/chat_core.mjs
import { createConversation, promisify } from "@nlxai/chat-core";

const url = process.env.PARLEY_URL;
const key = process.env.PARLEY_KEY;
const idleMillis = Number(process.env.PARLEY_IDLE_MS ?? 5000);
if (!url || !key) {
  console.error("PARLEY_URL and PARLEY_KEY are required");
  process.exit(2);
}

const warnings = [];
for (const level of ["warn", "error"]) {
  const original = console[level];
  console[level] = (...args) => {
    warnings.push(`${level}: ${args.map(String).join(" ")}`);
    original.apply(console, args);
  };
}

const convo = createConversation({
  botUrl: `${url}/c/furniture-shop/web`,
  headers: { "nlx-api-key": key },
  languageCode: "en-US",
});
const seen = [];
convo.subscribe((_all, newest) => {
  if (newest !== undefined) seen.push(newest);
});

const wrap = (fn) => promisify(fn, convo, 10000);
const summary = (response) => {
  if (response === null || response === undefined) return null;
  if (response.type !== "bot") return { type: response.type, text: response.payload?.text ?? null };
  const payload = response.payload;
  return {
    type: "bot",
    conversationId: payload.conversationId,
    texts: payload.messages.map((m) => m.text),
    choices: payload.messages.flatMap((m) => (m.choices ?? []).map((c) => ({ id: c.choiceId, text: c.choiceText }))),
    metadata: payload.metadata,
    modalities: payload.modalities,
    expirationTimestamp: payload.expirationTimestamp,
    context: payload.context,
  };
};

const steps = [];
const step = async (name, action) => {
  try {
    steps.push({ name, outcome: summary(await action()) });
  } catch (error) {
    steps.push({ name, error: String(error?.message ?? error) });
  }
};

const sdkConversationId = convo.currentConversationId();
await step("sendContext before the first turn", async () => {
  await convo.sendContext({ pageUrl: "https://shop.example/outdoor" });
  return null;
});
await step("sendWelcomeFlow", () => wrap(() => convo.sendWelcomeFlow())(undefined));
await step("sendText names the intent", () => wrap(convo.sendText)("Hi, I'm looking for a table for my terrace"));
await step("sendChoice answers the budget", () => wrap(convo.sendChoice)("500-1000"));
await step("sendText answers the seats", () => wrap(convo.sendText)("we are 6 people"));
await step("sendText reaches fulfilment", () => wrap(convo.sendText)("aluminium please"));
await step("sendText after fulfilment", () => wrap(convo.sendText)("How long does delivery take?"));
await step("sendContext during the chat", async () => {
  await convo.sendContext({ cartValue: 120 });
  return null;
});
await step("sendText after sendContext", () => wrap(convo.sendText)("it's 75011"));
const before = seen.length;
await new Promise((resolve) => setTimeout(resolve, idleMillis));
const idle = seen.slice(before).map(summary);
await step("sendFlow NLX.Escalation", () => wrap((id) => convo.sendFlow(id))("NLX.Escalation"));
await step("getVoiceCredentials", () => convo.getVoiceCredentials());

console.log(
  JSON.stringify({
    sdkConversationId,
    currentConversationId: convo.currentConversationId(),
    steps,
    idle,
    failures: seen.filter((r) => r.type === "failure").length,
    warnings,
  }),
);
convo.destroy();
