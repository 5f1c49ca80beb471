// A real OpenID Connect provider for the sign-in browser test: the OpenID-certified `oidc-provider` (pinned in
// package.json), with one client (the app) and the test's users, each with a password, an email and groups.
//
//   node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 0, "client": {"client_id", "client_secret", "redirect_uri"},
//               "users": {"login": {"password", "email", "name", "groups": [...]}}}
// Listens on 127.0.0.1 only and prints `listening <issuer>` when ready. The login page is this file's own small
// form (the package's development pages take any login without a password); a wrong password is refused.
// Consent is not asked: the app is the council's own (first-party) client.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { users, client } = config;
const server = createServer();
await new Promise((resolve) => server.listen(config.port ?? 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: [client.redirect_uri],
    post_logout_redirect_uris: [client.redirect_uri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: user.email, email_verified: true, name: user.name, groups: user.groups ?? [] };
      },
    };
  },
  claims: { openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false, // the claims go in the ID token, which is what Streamlit reads into st.user
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async loadExistingGrant(ctx) { // first-party client: grant what it asks for, no consent page
    if (!ctx.oidc.session.accountId) return undefined;
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['sub', 'email', 'email_verified', 'name', 'groups']);
    await grant.save();
    return grant;
  },
  pkce: { required: () => false },
  ttl: { Session: 3600, Interaction: 3600, Grant: 3600, AccessToken: 3600, IdToken: 3600, AuthorizationCode: 600 },
});
provider.proxy = false;

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(uid, error) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council sign-in</title>
<style>body{font-family:sans-serif;max-width:24rem;margin:4rem auto}label,input,button{display:block;width:100%;
margin:.4rem 0}input{padding:.4rem}button{padding:.5rem;margin-top:1rem}.error{color:#b00}</style></head>
<body><h1>Council sign-in</h1><p>Test identity provider (oidc-provider)</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
<label for="login">Email</label><input id="login" name="login" autocomplete="username" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password"
autocomplete="current-password"><button type="submit">Sign in</button></form></body></html>`;
}

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name !== 'login') { // consent is never needed (loadExistingGrant), but never hang on it
    await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
    return;
  }
  if (req.method === 'POST') {
    const form = await body(req);
    const login = form.get('login') ?? '';
    const user = users[login];
    if (user && form.get('password') === user.password) {
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return;
    }
    res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page(details.uid, 'Wrong email or password.'));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(page(details.uid));
}

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${err.message}`);
    });
  } else {
    callback(req, res);
  }
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
console.log(`listening ${issuer}`);
