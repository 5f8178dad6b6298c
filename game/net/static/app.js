// CIS Lab browser client: one team's role on a phone. Plain JS, no build step.
// The server sends views (the model's figures already worded in FR and EN); this file only
// picks the language, draws them and sends decisions and predictions. It never sends state.
"use strict";

const cislab = (window.cislab = {
  t: { en: {}, fr: {} },
  lang: localStorage.getItem("cislab.lang") || (navigator.language || "en").slice(0, 2),
  code: "",
  token: null,
  ws: null,
  view: null,
  retry: 0,
  joined: false,
  formTurn: null, // the turn the decision form was drawn for (redrawn only when it changes)
  predictDrawn: false,
  metrics: { decideSent: [], decideSeen: [] }, // decision → screen, for the tests
});
if (!["fr", "en"].includes(cislab.lang)) cislab.lang = "en";

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const kid of kids) if (kid != null) node.append(kid);
  return node;
};

function t(key, values = {}) {
  // Singular where the language says so (CLDR rules: French 0 and 1, English 1): `key.one`.
  const count = values.n ?? values.years;
  const table = cislab.t[cislab.lang];
  if (Number.isInteger(count) && new Intl.PluralRules(cislab.lang).select(count) === "one") {
    key = table[`${key}.one`] !== undefined ? `${key}.one` : key;
  }
  let text = table[key] ?? cislab.t.en[key] ?? key;
  for (const [k, v] of Object.entries(values)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}
const pick = (both) => (both == null ? "" : both[cislab.lang] ?? both.en ?? "");

// Our own translations carry <b>, <i> and <br>: keep those, escape everything else.
function safeHtml(text) {
  const escaped = String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return escaped.replace(/&#60;(\/?)(b|i|br)&#62;/g, "<$1$2>");
}

function toast(message, info = false) {
  const box = $("toast");
  box.textContent = message;
  box.className = info ? "toast info" : "toast";
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), info ? 4000 : 6000);
}

function banner(message) {
  $("banner").hidden = !message;
  $("banner").textContent = message || "";
}

// ------------------------------------------------------------------ language
function setLang(lang) {
  cislab.lang = lang;
  localStorage.setItem("cislab.lang", lang);
  document.documentElement.lang = lang;
  for (const b of document.querySelectorAll("button.lang")) b.classList.toggle("on", b.dataset.lang === lang);
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  cislab.formTurn = null; // labels come from the view: redraw in the new language
  cislab.predictDrawn = false;
  if (cislab.ws && cislab.ws.readyState === 1) send({ type: "lang", lang });
  if (cislab.view) render(cislab.view);
}

// ------------------------------------------------------------------ connection
function send(msg) {
  if (cislab.ws && cislab.ws.readyState === 1) cislab.ws.send(JSON.stringify(msg));
}

function connect() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${proto}://${location.host}/ws`);
  cislab.ws = ws;
  ws.onopen = () => {
    cislab.retry = 0;
    const hello = { type: "hello", code: cislab.code, lang: cislab.lang };
    if (cislab.token) hello.token = cislab.token;
    const name = $("name").value.trim();
    if (name) hello.name = name;
    send(hello);
  };
  ws.onmessage = (event) => receive(JSON.parse(event.data));
  ws.onclose = (event) => {
    if (event.code === 4001) {
      banner(t("conn.replaced"));
      return;
    }
    if (!cislab.joined) return;
    banner(t("conn.lost"));
    cislab.retry = Math.min(cislab.retry + 1, 6);
    setTimeout(connect, 300 * cislab.retry);
  };
}

function receive(msg) {
  if (msg.type === "welcome") {
    cislab.joined = true;
    cislab.token = msg.token;
    localStorage.setItem(`cislab.token.${cislab.code}`, msg.token);
    banner("");
    notices(msg.notices);
  } else if (msg.type === "state") {
    cislab.view = msg;
    render(msg);
  } else if (msg.type === "ack") {
    notices(msg.notices);
  } else if (msg.type === "error") {
    if (msg.code === "bad_code") {
      cislab.joined = false;
      localStorage.removeItem(`cislab.token.${cislab.code}`);
      cislab.token = null;
      show("join");
    }
    toast(t(`error.${msg.code}`, msg));
  } else if (msg.type === "replaced") {
    cislab.joined = false;
    banner(t("conn.replaced"));
  }
}

function notices(list) {
  for (const n of list || []) toast(t(`notice.${n}`), true);
}

function join() {
  const code = $("code").value.trim().toUpperCase();
  if (!code) return;
  cislab.code = code;
  cislab.token = localStorage.getItem(`cislab.token.${code}`);
  history.replaceState(null, "", `?code=${encodeURIComponent(code)}`);
  if (cislab.ws) cislab.ws.close();
  connect();
}

// ------------------------------------------------------------------ drawing
function show(section) {
  for (const id of ["join", "pick", "play"]) $(id).hidden = id !== section;
}

function roleName(view, role) {
  const roles = pick(view.public.case?.roles) || {};
  return roles[role]?.name || role;
}

function render(view) {
  const pub = view.public || {};
  $("where").textContent = `${view.code} · ${pick(pub.case?.title)}`;
  if (!view.you.role) {
    show("pick");
    renderPick(view);
    return;
  }
  show("play");
  renderHead(view);
  renderPredict(view);
  renderDecide(view);
  renderPrivate(view);
  renderResults(view);
  renderTeams(view);
  renderNews(view);
}

function renderPick(view) {
  const box = $("roles");
  box.replaceChildren();
  for (const team of view.teams) {
    const started = view.phase !== "lobby";
    let status = t("pick.free");
    if (started && !team.human) status = t("pick.model");
    else if (team.held) status = t("pick.held", { n: team.online });
    const button = el(
      "button",
      { type: "button", class: "role-option", "data-role": team.role },
      el("strong", { text: roleName(view, team.role) }),
      el("span", { class: "muted", text: status }),
    );
    button.onclick = () => send({ type: "pick", role: team.role });
    box.append(button);
  }
}

function myTeam(view) {
  return view.teams.find((team) => team.role === view.you.role);
}

function renderHead(view) {
  const you = view.you;
  const pub = view.public;
  $("role-name").textContent = roleName(view, you.role);
  const badge = $("badge");
  badge.textContent = you.controller ? t("badge.controller") : t("badge.viewer");
  badge.className = you.controller ? "badge" : "badge viewer";
  const card = (pick(pub.case?.roles) || {})[you.role];
  $("role-desc").innerHTML = card ? safeHtml(card.desc) : "";
  const team = myTeam(view);
  const modelPlays = view.phase !== "lobby" && !team.human;
  let phase = t(`phase.${view.phase}`);
  let cls = "phase";
  if (modelPlays) phase = t("phase.model_plays");
  else if (view.phase === "decide") {
    if (!view.seats.includes(you.role)) phase = t("phase.wait");
    else if (view.submitted) { phase = t("phase.submitted"); cls += " done"; }
    else if (!you.controller) phase = t("phase.decide_viewer");
    else cls += " decide";
  }
  $("phase").textContent = phase;
  $("phase").className = cls;
  $("phase").dataset.phase = view.phase;
  if (pub.started) {
    $("clock").textContent = pub.contract_over
      ? t("clock.after", { month: pub.month, years: pub.years_after })
      : t("clock", { month: pub.month, months: pub.months, turn: pub.turn + 1 });
  } else $("clock").textContent = "";
  $("take-control").hidden = you.controller || !team || team.controller_online || modelPlays;
}

function option(value, label, selected) {
  const node = el("option", { value, text: label });
  if (selected) node.selected = true;
  return node;
}

function pct(value) {
  return new Intl.NumberFormat(cislab.lang === "fr" ? "fr-FR" : "en-GB", {
    style: "percent",
    maximumFractionDigits: 0,
  }).format(value);
}

function rangeField(name, value, low, high, step, disabled) {
  const input = el("input", { type: "range", name, min: low, max: high, step, value });
  const out = el("output", { text: pct(Number(value)) });
  input.oninput = () => (out.textContent = pct(Number(input.value)));
  input.disabled = disabled;
  return el("div", { class: "range" }, input, out);
}

function renderPredict(view) {
  const form = $("predict-form");
  const mine = view.predictions;
  form.hidden = !view.predictions_open; // after the start they come back in the debrief
  if (form.hidden) return;
  const controller = view.you.controller;
  $("submit-predictions").hidden = !controller;
  $("predict-state").textContent = mine ? t("predict.sent") : "";
  if (cislab.predictDrawn && controller) return; // keep what the team is typing
  cislab.predictDrawn = controller;
  const qs = pick(view.public.case.questions);
  const yn = pick(view.public.case.yes_no);
  const answers = mine || {};
  const box = $("predict-fields");
  box.replaceChildren();
  for (const q of ["creaming", "measured_above_true", "money_back"]) {
    const select = el("select", { name: q, id: `p-${q}` });
    for (const v of ["yes", "no"]) select.append(option(v, yn[v], (answers[q] || "yes") === v));
    select.disabled = !controller;
    box.append(el("div", { class: "field" }, el("label", { for: `p-${q}`, text: qs[q] }), select));
  }
  const share = answers.payments_share ?? 0.5;
  box.append(
    el("div", { class: "field" }, el("label", { text: qs.payments_share }),
      rangeField("payments_share", share, 0, 1, 0.05, !controller)),
  );
  const note = el("input", { name: "note", id: "p-note", maxlength: 300 });
  note.value = answers.note || "";
  note.disabled = !controller;
  box.append(el("div", { class: "field" }, el("label", { for: "p-note", text: qs.note }), note));
}

function sendPredictions(event) {
  event.preventDefault();
  const form = $("predict-form");
  const answers = {};
  for (const q of ["creaming", "measured_above_true", "money_back"]) answers[q] = form.elements[q].value;
  answers.payments_share = Number(form.elements.payments_share.value);
  const note = form.elements.note.value.trim();
  if (note) answers.note = note.slice(0, 300);
  send({ type: "predict", answers });
}

function renderDecide(view) {
  const form = $("decide-form");
  const you = view.you;
  const priv = view.private;
  const open = view.phase === "decide" && view.seats.includes(you.role) && priv && priv.human;
  form.hidden = !open;
  if (!open) return;
  $("decide-title").textContent = t("decide.title", { turn: view.turn + 1 });
  $("submit-decisions").hidden = !you.controller;
  $("decide-state").textContent = view.submitted ? t("decide.sent") : you.controller ? "" : t("decide.viewer");
  if (view.submitted) {
    const sent = cislab.metrics.decideSent.find((m) => m.turn === view.turn && !m.seen);
    if (sent) {
      sent.seen = performance.now();
      cislab.metrics.decideSeen.push(sent.seen - sent.at);
    }
  }
  const key = `${view.turn}:${you.controller}`;
  if (cislab.formTurn === key && you.controller) return; // keep the team's choices in progress
  cislab.formTurn = key;
  const values = { ...Object.fromEntries(priv.decisions.map((d) => [d.id, d.value])), ...(view.submitted || {}) };
  const box = $("decide-fields");
  box.replaceChildren();
  for (const d of priv.decisions) {
    const id = `d-${d.id}`;
    let control;
    if (d.kind === "choice") {
      control = el("select", { name: d.id, id });
      for (const o of d.options) control.append(option(o.value, pick(o.label), o.value === values[d.id]));
      control.disabled = !you.controller;
    } else if (d.kind === "slider") {
      control = rangeField(d.id, values[d.id], d.low, d.high, d.step, !you.controller);
    } else {
      const box2 = el("input", { type: "checkbox", name: d.id, id });
      box2.checked = Boolean(values[d.id]);
      box2.disabled = !you.controller || d.locked;
      control = el("label", { class: "toggle", for: id }, box2, el("span", { text: pick(d.todo) }));
    }
    box.append(
      el("div", { class: "field" },
        el("label", { for: id, text: pick(d.label) }),
        el("div", { class: "tip", text: pick(d.tip) }),
        control),
    );
  }
}

function sendDecisions(event) {
  event.preventDefault();
  const view = cislab.view;
  const form = $("decide-form");
  const values = {};
  for (const d of view.private.decisions) {
    const input = form.elements[d.id];
    if (d.kind === "choice") values[d.id] = input.value;
    else if (d.kind === "slider") values[d.id] = Number(input.value);
    else values[d.id] = input.checked;
  }
  cislab.metrics.decideSent.push({ turn: view.turn, at: performance.now() });
  send({ type: "decide", turn: view.turn, values });
}

function renderPrivate(view) {
  const priv = view.private;
  const box = $("private");
  box.hidden = !priv || !priv.figures.length;
  if (box.hidden) return;
  $("private-title").textContent = t(`private.${view.you.role}`);
  const figures = $("figures");
  figures.replaceChildren();
  for (const f of priv.figures) {
    if (f.key === "note") figures.append(el("dd", { class: "note", text: pick(f.value) }));
    else figures.append(el("dt", { text: t(`fig.${f.key}`) }), el("dd", { text: pick(f.value) }));
  }
  const app = $("applicants");
  app.replaceChildren();
  if (!priv.applicants) return;
  const top = Math.max(1, ...priv.applicants.clients, ...priv.applicants.pool);
  const bars = el("div", { class: "bars" }, el("div", { class: "muted", text: t("applicants.title") }));
  for (const [key, cls] of [["clients", ""], ["pool", " pool"]]) {
    bars.append(el("div", { class: "muted", text: t(`applicants.${key}`) }));
    priv.applicants[key].forEach((n, i) => {
      const fill = el("div", { class: `fill${cls}` });
      fill.style.width = `${(100 * n) / top}%`;
      bars.append(
        el("div", { class: "bar" }, el("span", { text: `${priv.applicants.bands[i]} %` }),
          el("div", { class: "track" }, fill), el("span", { text: String(n) })),
      );
    });
  }
  app.append(bars);
}

function renderResults(view) {
  const box = $("results");
  const res = view.results;
  box.hidden = !res;
  if (!res) return;
  const q = pick(res.questions);
  const actual = pick(res.actual);
  const body = $("results-body");
  body.replaceChildren();
  if (!res.teams.length) {
    body.append(el("p", { text: t("results.none") }));
    return;
  }
  const table = el("table", { class: "results" });
  const head = el("tr", {}, el("th", { text: "" }));
  for (const team of res.teams) head.append(el("th", { text: roleName(view, team.role) }));
  table.append(head);
  for (const key of Object.keys(q)) {
    const row = el("tr", {}, el("td", { text: q[key] }));
    for (const team of res.teams) {
      const r = team.rows.find((x) => x.q === key);
      row.append(el("td", { class: r.right ? "right" : "wrong", text: `${pick(r.guess)} ${r.right ? "✓" : "✗"}` }));
    }
    table.append(row);
  }
  const actualRow = el("tr", { class: "actual" }, el("td", { text: t("results.actual") }));
  const said = Object.keys(q).map((k) => `${q[k]}: ${actual[k]}`).join(" · ");
  actualRow.append(el("td", { colspan: res.teams.length, text: said }));
  table.append(actualRow);
  const score = el("tr", {}, el("td", { text: "" }));
  for (const team of res.teams) score.append(el("td", { text: t("results.score", { right: team.right, of: res.of }) }));
  table.append(score);
  body.append(table);
}

function renderTeams(view) {
  const list = $("teams");
  list.replaceChildren();
  for (const team of view.teams) {
    let status;
    if (view.phase !== "lobby" && !team.human) status = t("teams.model");
    else if (team.status) status = t(`teams.st.${team.status}`);
    else status = team.held ? t("teams.devices", { n: team.online }) : t("teams.free");
    list.append(
      el("li", { "data-role": team.role },
        el("span", { text: roleName(view, team.role) }),
        el("span", { class: `st-${team.status || "none"}`, text: status })),
    );
  }
}

function renderNews(view) {
  const lines = pick(view.public.news) || [];
  $("news-card").hidden = !lines.length;
  $("news").replaceChildren(...lines.map((line) => el("li", { text: line })));
}

// ------------------------------------------------------------------ start
async function boot() {
  const [en, fr] = await Promise.all(
    ["en", "fr"].map((l) => fetch(`/static/web.${l}.json`).then((r) => r.json())),
  );
  cislab.t = { en, fr };
  for (const b of document.querySelectorAll("button.lang")) b.onclick = () => setLang(b.dataset.lang);
  $("join-button").onclick = join;
  $("code").onkeydown = (e) => e.key === "Enter" && join();
  $("predict-form").onsubmit = sendPredictions;
  $("decide-form").onsubmit = sendDecisions;
  $("take-control").onclick = () => send({ type: "take_control" });
  setLang(cislab.lang);
  const code = new URLSearchParams(location.search).get("code");
  show("join");
  if (code) {
    $("code").value = code.toUpperCase();
    join();
  }
  document.body.dataset.ready = "1";
}
boot();
